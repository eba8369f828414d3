using QiTech.Os.Errors;

namespace QiTech.Os.Base;

/// <summary>
/// The build machine's Debian repositories for a suite, as apt itself reads its sources
/// (<c>apt-get indextargets</c>, so one-line and deb822 files alike): the suite and its
/// <c>-updates</c> and <c>-security</c> releases, in the order apt lists them. The repository
/// holds no mirror host; this is where one comes from.
/// </summary>
public static class AptSources
{
    public static async Task<IReadOnlyList<AptSource>> ForSuiteAsync(string suite, CancellationToken cancel = default)
    {
        QiTech.Os.Platform.HostCommand.Result result;
        try
        {
            result = await QiTech.Os.Platform.HostCommand.RunAsync("apt-get",
                ["indextargets", "--format", "$(TARGET_OF)\t$(IDENTIFIER)\t$(REPO_URI)\t$(RELEASE)\t$(COMPONENT)"], cancel);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new QiTechOsException("cannot read the apt sources: apt-get is not installed on this machine");
        }
        if (result.ExitCode != 0)
        {
            throw new QiTechOsException($"cannot read the apt sources: apt-get indextargets exited with {result.ExitCode}: {result.Stderr.Trim()}");
        }
        var sources = Parse(result.Stdout, suite);
        return sources.Count > 0
            ? sources
            : throw new QiTechOsException($"the apt sources of this machine have no Debian repository for '{suite}' (nor {suite}-updates, {suite}-security): add one, e.g. 'deb http://deb.debian.org/debian {suite} main', and run apt-get update");
    }

    /// <summary>Reads <c>indextargets</c> lines (target, identifier, URI, release, component) for <paramref name="suite"/>.</summary>
    public static IReadOnlyList<AptSource> Parse(string indexTargets, string suite)
    {
        var releases = new[] { suite, suite + "-updates", suite + "-security" };
        var found = new List<(string Uri, string Release, List<string> Components)>();
        foreach (var line in indexTargets.Split('\n'))
        {
            var f = line.Split('\t');
            if (f.Length != 5 || f[0] != "deb" || f[1] != "Packages" || !releases.Contains(f[3]) || f[4].Length == 0 || !IsFetchable(f[2]))
            {
                continue;
            }
            var entry = found.FirstOrDefault(s => s.Uri == f[2] && s.Release == f[3]);
            if (entry.Uri == null)
            {
                entry = (f[2], f[3], []);
                found.Add(entry);
            }
            if (!entry.Components.Contains(f[4]))
            {
                entry.Components.Add(f[4]);
            }
        }
        return [.. found.Select(s => new AptSource(s.Uri, s.Release, s.Components))];
    }

    /// <summary>What the fetch can read itself: http, https and file URIs (not apt's mirror+ or tor+ methods).</summary>
    private static bool IsFetchable(string uri) =>
        uri.StartsWith("http://", StringComparison.Ordinal) || uri.StartsWith("https://", StringComparison.Ordinal) || uri.StartsWith("file:/", StringComparison.Ordinal);
}
