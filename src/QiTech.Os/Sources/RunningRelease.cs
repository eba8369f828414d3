using QiTech.Os.Store;

namespace QiTech.Os.Sources;

/// <summary>
/// Reads the running system's <c>qitech-os-release</c> (KEY=VALUE lines). The
/// <c>run/current-system</c> link holds a logical target, resolved through the layout.
/// </summary>
public static class RunningRelease
{
    public static IReadOnlyDictionary<string, string> Read(SystemLayout layout) => ReadFile(layout, "qitech-os-release");

    /// <summary>A KEY=VALUE file at the top of the running system (empty when there is none).</summary>
    public static IReadOnlyDictionary<string, string> ReadFile(SystemLayout layout, string name)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var file = ResolveCurrentSystem(layout) + "/" + name;
        if (!File.Exists(file))
        {
            return values;
        }
        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=');
            if (line.StartsWith('#') || eq <= 0)
            {
                continue;
            }
            var value = line[(eq + 1)..];
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }
            values[line[..eq]] = value;
        }
        return values;
    }

    /// <summary>The running commit, when the running system records one.</summary>
    public static GitCommitHash? RunningCommit(SystemLayout layout) =>
        Read(layout).TryGetValue("QITECH_OS_GIT_COMMIT", out var text) && GitCommitHash.TryParse(text, out var commit)
            ? commit
            : null;

    private static string ResolveCurrentSystem(SystemLayout layout)
    {
        var link = layout.CurrentSystem;
        var info = new FileInfo(link);
        if (info.LinkTarget is { } target)
        {
            return target.StartsWith('/') ? layout.Physical(target) : Path.Combine(Path.GetDirectoryName(link)!, target);
        }
        return link;
    }
}
