namespace QiTech.Os.Tests.Support;

/// <summary>What must hold between activations: profile, current-system and /etc agree on one system.</summary>
public static class SystemInvariants
{
    /// <summary>
    /// current-system and /etc/static point at <paramref name="system"/>, /etc holds exactly its
    /// links (and no stale ones of ours), no journal or temporary link is left, and — when
    /// <paramref name="bootDefault"/> is true — the profile's default generation is that system too.
    /// </summary>
    public static void AssertRunning(SystemRoot root, string system, bool bootDefault)
    {
        Assert.Equal(system, root.LinkTarget("/run/current-system"));
        Assert.Equal(system + "/etc", root.LinkTarget("/etc/static"));
        var wanted = EtcEntries(root.Physical(system + "/etc"));
        foreach (var entry in wanted)
        {
            Assert.Equal("/etc/static/" + entry, root.LinkTarget("/etc/" + entry));
        }
        foreach (var link in Directory.EnumerateFileSystemEntries(root.Physical("/etc"), "*", SearchOption.AllDirectories))
        {
            var target = new FileInfo(link).LinkTarget;
            if (target != null && target.StartsWith("/etc/static/", StringComparison.Ordinal))
            {
                Assert.Contains(target["/etc/static/".Length..], wanted);
            }
        }
        if (bootDefault)
        {
            Assert.Equal(system, DefaultSystem(root));
        }
        Assert.False(File.Exists(root.Physical("/qitech/var/activation.json")), "activation journal left behind");
        foreach (var dir in new[] { "/qitech/profiles", "/etc", "/run" })
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(root.Physical(dir), ".qitech-tmp-*"));
        }
    }

    /// <summary>The system the profile's boot default generation points to.</summary>
    public static string? DefaultSystem(SystemRoot root) =>
        root.LinkTarget("/qitech/profiles/system") is { } generation ? root.LinkTarget("/qitech/profiles/" + generation) : null;

    public static List<string> Generations(SystemRoot root) =>
        Directory.Exists(root.Physical("/qitech/profiles"))
            ? Directory.EnumerateFileSystemEntries(root.Physical("/qitech/profiles"), "system-*-link").Select(Path.GetFileName).OfType<string>().Order().ToList()
            : [];

    private static HashSet<string> EtcEntries(string etc) =>
        Directory.EnumerateFiles(etc, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(etc, f)).ToHashSet();
}
