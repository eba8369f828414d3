namespace QiTech.Os.Base;

/// <summary>
/// Where mmdebstrap takes the .debs of a base from: the mirror arguments it is given. Today
/// the build machine's own apt sources (each file of /etc/apt/sources.list and
/// sources.list.d, which mmdebstrap reads in either format); a local mirror of pinned .debs
/// is another list of arguments here and nothing else changes. The sources are transport,
/// not identity: they do not enter the base's store path.
/// </summary>
public sealed record BaseSources(IReadOnlyList<string> MirrorArguments)
{
    public static BaseSources FromHost(string etcApt = "/etc/apt")
    {
        var files = new List<string>();
        if (File.Exists(etcApt + "/sources.list") && new FileInfo(etcApt + "/sources.list").Length > 0)
        {
            files.Add(etcApt + "/sources.list");
        }
        if (Directory.Exists(etcApt + "/sources.list.d"))
        {
            files.AddRange(Directory.EnumerateFiles(etcApt + "/sources.list.d")
                .Where(f => f.EndsWith(".list", StringComparison.Ordinal) || f.EndsWith(".sources", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal));
        }
        return files.Count > 0
            ? new BaseSources(files)
            : throw new Build.BuildException($"no apt sources in {etcApt}: a Debian base needs a mirror to take its packages from");
    }
}
