namespace QiTech.Os.Generations;

/// <summary>
/// Whether a unit file enables itself: a non-empty <c>WantedBy=</c> or <c>RequiredBy=</c> in
/// its <c>[Install]</c> section, each read with systemd's list rule (an empty assignment clears
/// what came before). <see cref="ClosureUnits.IsEnabled"/> applies it for activation and the
/// supervisor's boot alike.
/// </summary>
public static class UnitInstallSection
{
    public static bool EnablesItself(string text)
    {
        string? section = null;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal) { ["WantedBy"] = 0, ["RequiredBy"] = 0 };
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            if (line[0] == '[' && line.EndsWith(']'))
            {
                section = line[1..^1];
                continue;
            }
            var eq = line.IndexOf('=');
            var key = eq > 0 ? line[..eq].Trim() : "";
            if (section != "Install" || !counts.TryGetValue(key, out var count))
            {
                continue;
            }
            var value = line[(eq + 1)..].Trim();
            counts[key] = value.Length == 0 ? 0 : count + value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        }
        return counts.Values.Any(c => c > 0);
    }

    /// <summary>True for the folders <c>systemctl enable</c> links units into: <c>*.wants</c>, <c>*.requires</c>.</summary>
    public static bool IsEnablingFolder(string name) =>
        name.EndsWith(".wants", StringComparison.Ordinal) || name.EndsWith(".requires", StringComparison.Ordinal);
}
