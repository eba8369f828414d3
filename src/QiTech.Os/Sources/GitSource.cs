using System.Globalization;
using QiTech.Os.Errors;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Sources;

/// <summary>
/// An update source: a git remote mirrored locally. Lists what the machine can be updated
/// to, tells what changed, resolves a ref to a commit and exports that commit's tree.
/// Every ref and URL is a checked value type before git is run.
/// </summary>
public sealed class GitSource
{
    public const int DefaultRecentCommits = 20;

    /// <summary>The most commits one listing gives ("Load more" asks for more each time).</summary>
    public const int MaxRecentCommits = 10_000;
    private static readonly string[] ChangelogNames = ["CHANGELOG.md", "CHANGELOG", "CHANGELOG.txt", "CHANGES.md"];

    private readonly GitRunner _git;
    private readonly GitMirror _mirror;
    private readonly SystemLayout _layout;

    public GitSource(SystemLayout layout, SourceUrl url, string? token = null)
    {
        _layout = layout;
        Url = url;
        _git = new GitRunner(layout, token, url.Origin is { IsHttps: true } ? url.Authority : null);
        _mirror = new GitMirror(layout, url, _git);
    }

    /// <summary>A source using the machine's stored access token when it was set for this source's origin.</summary>
    public static GitSource Open(SystemLayout layout, SourceUrl url) =>
        new(layout, url, new SourceTokenStore(layout).TokenFor(url));

    public SourceUrl Url { get; }

    /// <summary>The bare mirror's directory (for diagnostics and benchmarks).</summary>
    public string MirrorDirectory => _mirror.Directory;

    public Task FetchAsync(CancellationToken cancel = default) => _mirror.FetchAsync(cancel);

    /// <summary>Contacts the remote (git ls-remote); a <see cref="SourceException"/> says why it cannot be used.</summary>
    public Task CheckAsync(CancellationToken cancel = default) => _mirror.CheckReachableAsync(cancel);

    /// <summary>Tags, branches and the default branch's last commits, newest first within each kind.</summary>
    public async Task<IReadOnlyList<UpdateTarget>> ListTargetsAsync(int recentCommits = DefaultRecentCommits, CancellationToken cancel = default)
    {
        await FetchAsync(cancel);
        var running = RunningCommit();
        var olderThanRunning = running is { } r ? await AncestorsAsync(r, cancel) : [];
        // Dates as Unix seconds: git accepts zone offsets .NET cannot represent (over 14 hours).
        UpdateTarget Make(UpdateTargetKind kind, string name, GitCommitHash commit, string date, string subject) =>
            new(kind, name, commit, DateTimeOffset.FromUnixTimeSeconds(long.Parse(date, CultureInfo.InvariantCulture)), subject,
                olderThanRunning.Contains(commit.Hex) && commit != running, commit == running,
                GitRefName.TryParse(name, out _, out var error) ? null : $"'{GitRefName.Printable(name)}' {error.Describe()}");

        var targets = new List<UpdateTarget>();
        var refs = await Must(["for-each-ref", "--sort=-creatordate",
            "--format=%(refname)%00%(objectname)%00%(*objectname)%00%(committerdate:unix)%00%(*committerdate:unix)%00%(subject)%00%(*subject)",
            "refs/tags", "refs/heads"], cancel);
        foreach (var line in Lines(refs))
        {
            var f = line.Split('\0');
            var peeled = f[2].Length > 0;
            var commit = GitCommitHash.Parse(peeled ? f[2] : f[1]);
            var (date, subject) = peeled ? (f[4], f[6]) : (f[3], f[5]);
            if (date.Length == 0)
            {
                continue; // a tag of something other than a commit
            }
            var isTag = f[0].StartsWith("refs/tags/", StringComparison.Ordinal);
            targets.Add(Make(isTag ? UpdateTargetKind.Tag : UpdateTargetKind.Branch, f[0][(isTag ? 10 : 11)..], commit, date, subject));
        }
        var log = await _git.RunAsync(["-C", _mirror.Directory, "log", "-n", recentCommits.ToString(CultureInfo.InvariantCulture), "--format=%H%x00%ct%x00%s", "HEAD", "--"], cancel);
        foreach (var line in log.Ok ? Lines(log.StdoutText) : [])
        {
            var f = line.Split('\0');
            var commit = GitCommitHash.Parse(f[0]);
            targets.Add(Make(UpdateTargetKind.Commit, commit.Short, commit, f[1], f[2]));
        }
        // Tags first, then branches, then commits; each kind newest first.
        return targets.OrderBy(t => t.Kind).ThenByDescending(t => t.Date).ToList();
    }

    /// <summary>Resolves a tag, branch or commit (full or abbreviated) to a commit; unknown refs are bad input.</summary>
    public async Task<GitCommitHash> ResolveAsync(GitRefName name, CancellationToken cancel = default)
    {
        await FetchAsync(cancel);
        return await ResolveFetchedAsync(name, cancel);
    }

    /// <summary>The version variables of <paramref name="commit"/>, reached by <paramref name="requested"/>.</summary>
    public async Task<VersionInfo> VersionInfoAsync(GitRefName requested, GitCommitHash commit, CancellationToken cancel = default)
    {
        var timestamp = (await Must(["show", "-s", "--format=%cI", commit.Hex, "--"], cancel)).Trim();
        // A source URL never holds a secret: tokens are kept apart from URLs.
        return new VersionInfo(timestamp, commit.Hex, await AbbreviationAsync(requested, commit, cancel), Url.Url);
    }

    /// <summary>The running commit, when the running system records one.</summary>
    private GitCommitHash? RunningCommit() =>
        GitCommitHash.TryParse(ReleaseFile.ReadRunning(_layout).Commit, out var commit) ? commit : null;

    /// <summary>The committer time of a commit as seconds since the epoch, for SOURCE_DATE_EPOCH.</summary>
    public async Task<long> CommitTimeAsync(GitCommitHash commit, CancellationToken cancel = default) =>
        long.Parse((await Must(["show", "-s", "--format=%ct", commit.Hex, "--"], cancel)).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The CHANGELOG at the ref, else the subjects of the commits since the running version.</summary>
    public Task<Changelog> ChangelogAsync(GitRefName name, CancellationToken cancel = default) => ChangelogSinceAsync(name, RunningCommit(), cancel);

    /// <summary>The CHANGELOG at the ref, else the subjects of the commits since <paramref name="since"/> (the last 200 when null).</summary>
    public async Task<Changelog> ChangelogSinceAsync(GitRefName name, GitCommitHash? since, CancellationToken cancel = default)
    {
        var commit = await ResolveAsync(name, cancel);
        var top = await Must(["ls-tree", "--name-only", "-z", commit.Hex], cancel);
        var names = top.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var file = ChangelogNames.FirstOrDefault(names.Contains);
        if (file != null)
        {
            var text = await Must(["cat-file", "blob", commit.Hex + ":" + file], cancel);
            return new Changelog(name.Name, commit, file, text);
        }
        var range = commit.Hex;
        if (since is { } running
            && (await _git.RunAsync(["-C", _mirror.Directory, "cat-file", "-e", running.Hex + "^{commit}"], cancel)).Ok)
        {
            range = running.Hex + ".." + commit.Hex;
        }
        var subjects = await Must(["log", "-n", "200", "--format=%h %s", range, "--"], cancel);
        return new Changelog(name.Name, commit, null, subjects);
    }

    /// <summary>Writes the commit's tree (no .git) to <paramref name="destination"/>.</summary>
    public Task ExportAsync(GitCommitHash commit, string destination, CancellationToken cancel = default) =>
        GitTreeExporter.ExportAsync(_git, _mirror.Directory, commit, destination, cancel);

    /// <summary>
    /// Fetches, resolves <paramref name="name"/> and adds the commit's tree to the store as a
    /// source path named "source" (as Nix's fetchGit), with the commit's version variables.
    /// </summary>
    public async Task<ResolvedSource> FetchToStoreAsync(GitRefName name, LocalStore store, CancellationToken cancel = default)
    {
        var commit = await ResolveAsync(name, cancel);
        var info = await VersionInfoAsync(name, commit, cancel);
        var epoch = await CommitTimeAsync(commit, cancel);
        var temp = Path.Combine(Path.GetTempPath(), $"qitech-source-{commit.Short}-{Guid.NewGuid():N}");
        try
        {
            var tree = Path.Combine(temp, "source");
            await ExportAsync(commit, tree, cancel);
            var path = store.AddPath(tree, "source", cancel);
            return new ResolvedSource(info, path, epoch);
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                TreeRemover.Remove(temp);
            }
        }
    }

    private async Task<GitCommitHash> ResolveFetchedAsync(GitRefName name, CancellationToken cancel)
    {
        List<string> candidates = ["refs/tags/" + name.Name, "refs/heads/" + name.Name];
        if (name.LooksLikeCommit)
        {
            candidates.Add(name.Name);
        }
        foreach (var candidate in candidates)
        {
            var result = await _git.RunAsync(["-C", _mirror.Directory, "rev-parse", "--verify", "--quiet", "--end-of-options", candidate + "^{commit}"], cancel);
            if (result.Ok && GitCommitHash.TryParse(result.StdoutText.Trim(), out var commit))
            {
                return commit;
            }
        }
        throw new BadInputException($"ref '{name}' is no tag, branch or commit of {Url}");
    }

    private async Task<string> AbbreviationAsync(GitRefName requested, GitCommitHash commit, CancellationToken cancel)
    {
        async Task<List<string>> PointingAt(string prefix, string sort) =>
            Lines(await Must(["for-each-ref", "--points-at", commit.Hex, "--sort=" + sort, "--format=%(refname)", prefix], cancel))
                .Select(r => r[(prefix.Length + 1)..]).ToList();

        return AbbreviationRule.Choose(requested.Name, await PointingAt("refs/tags", "-version:refname"), await PointingAt("refs/heads", "refname"), commit.Short);
    }

    private async Task<HashSet<string>> AncestorsAsync(GitCommitHash running, CancellationToken cancel)
    {
        var result = await _git.RunAsync(["-C", _mirror.Directory, "rev-list", running.Hex, "--"], cancel);
        return result.Ok ? Lines(result.StdoutText).ToHashSet(StringComparer.Ordinal) : [];
    }

    private async Task<string> Must(IReadOnlyList<string> args, CancellationToken cancel)
    {
        var result = await _git.RunAsync(["-C", _mirror.Directory, .. args], cancel);
        return result.Ok ? result.StdoutText : throw new SourceException($"git {args[0]} in the mirror of {Url}: {result.LastError}");
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
