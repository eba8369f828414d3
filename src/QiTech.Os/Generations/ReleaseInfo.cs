namespace QiTech.Os.Generations;

/// <summary>
/// The version variables of a system (its <c>qitech-os-release</c> file, KEY=VALUE lines,
/// values optionally in double quotes as in os-release).
/// </summary>
public sealed record ReleaseInfo(string? Abbreviation, string? Commit, string? Timestamp, string? Url)
{
    public const string FileName = "qitech-os-release";

    public static readonly ReleaseInfo Unknown = new(null, null, null, null);

    /// <summary>What a generation is called in lists: the abbreviation, else a short commit, else "unknown".</summary>
    public string Label => Abbreviation ?? (Commit is { Length: > 0 } c ? c[..Math.Min(12, c.Length)] : "unknown");

    public static ReleaseInfo Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=');
            if (line.Length == 0 || line[0] == '#' || eq <= 0)
            {
                continue;
            }
            // The writer's own quoting rules (VersionInfo): no backslash may survive into a label.
            values[line[..eq].Trim()] = Config.VersionInfo.Unquote(line[(eq + 1)..].Trim());
        }
        return new ReleaseInfo(
            Get("QITECH_OS_GIT_ABBREVIATION"),
            Get("QITECH_OS_GIT_COMMIT"),
            Get("QITECH_OS_GIT_TIMESTAMP"),
            Get("QITECH_OS_GIT_URL"));

        string? Get(string key) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
    }
}
