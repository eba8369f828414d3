namespace QiTech.Os.Generations;

/// <summary>
/// Whether a unit file enables itself: a non-empty <c>WantedBy=</c> in its <c>[Install]</c>
/// section, read with systemd's list rule (an empty assignment clears what came before).
/// The same rule as the supervisor's parser, so a switch and a boot start the same units.
/// </summary>
public static class UnitInstallSection
{
    public static bool HasWantedBy(string text)
    {
        string? section = null;
        var wanted = 0;
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
            if (section != "Install" || eq <= 0 || line[..eq].Trim() != "WantedBy")
            {
                continue;
            }
            var value = line[(eq + 1)..].Trim();
            wanted = value.Length == 0 ? 0 : wanted + value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        }
        return wanted > 0;
    }
}
