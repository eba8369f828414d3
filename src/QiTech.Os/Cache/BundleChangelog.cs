using QiTech.Os.Errors;
using QiTech.Os.Sources;
using QiTech.Os.Store;

namespace QiTech.Os.Cache;

/// <summary>
/// The changelog a bundle carries, as the Update page shows one: the CHANGELOG file of the
/// system's source at its commit, else the subjects of the commits since the version the bundle
/// builds on (<c>--since</c>), else the last ones.
/// </summary>
public static class BundleChangelog
{
    /// <summary>The text, or null (and why, for a warning) when the source cannot tell.</summary>
    public static async Task<(string? Text, string? Why)> FromSourceAsync(SystemLayout layout, VersionInfo version, VersionInfo? since, CancellationToken cancel)
    {
        if (!GitCommitHash.TryParse(version.Commit, out var commit) || !SourceUrl.TryParse(version.Url, out var url, out _))
        {
            return (null, $"the system records no git source and commit (url {version.Url}, commit {version.Commit})");
        }
        GitCommitHash? baseCommit = since is { } s && GitCommitHash.TryParse(s.Commit, out var old) ? old : null;
        try
        {
            var changelog = await GitSource.Open(layout, url).ChangelogSinceAsync(GitRefName.ParseInput(commit.Hex, "commit"), baseCommit, cancel);
            return (changelog.Text, null);
        }
        catch (QiTechOsException e) when (e is SourceException or BadInputException)
        {
            return (null, e.Message);
        }
    }
}
