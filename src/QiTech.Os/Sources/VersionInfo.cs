namespace QiTech.Os.Sources;

/// <summary>
/// The version of a system: which source it was built from, as the seed's version variables
/// say it: <c>QITECH_OS_GIT_TIMESTAMP</c> (committer date, ISO 8601), <c>…_COMMIT</c> (full
/// hash), <c>…_ABBREVIATION</c> (exact tag, else branch, else short hash), <c>…_URL</c> (no
/// credentials). A value nobody knows is "unknown", as the system's files and environment say
/// it. The build writes it (<see cref="ReleaseFile"/>), generation lists, the daemon's API, the
/// CLI and the control server show it, services get it as their environment.
/// </summary>
public sealed record VersionInfo(string Timestamp, string Commit, string Abbreviation, string Url)
{
    public const string UnknownValue = "unknown";

    /// <summary>For a configuration outside any git checkout.</summary>
    public static VersionInfo Unknown { get; } = new(UnknownValue, UnknownValue, UnknownValue, UnknownValue);

    /// <summary>What a generation is called in lists: the abbreviation, else a short commit, else "unknown".</summary>
    public string Label() => Abbreviation != UnknownValue ? Abbreviation
        : Commit != UnknownValue ? Commit[..Math.Min(12, Commit.Length)]
        : UnknownValue;

    /// <summary>The variables in their order, QITECH_OS=true first.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variables() =>
    [
        new("QITECH_OS", "true"),
        new("QITECH_OS_GIT_TIMESTAMP", Timestamp),
        new("QITECH_OS_GIT_COMMIT", Commit),
        new("QITECH_OS_GIT_ABBREVIATION", Abbreviation),
        new("QITECH_OS_GIT_URL", Url),
    ];

    /// <summary>Reads the git checkout that holds <paramref name="directory"/>; <see cref="Unknown"/> outside one.</summary>
    public static VersionInfo FromGit(string directory, CancellationToken cancel)
    {
        var commit = Git(directory, cancel, "rev-parse", "--verify", "HEAD");
        if (commit == null)
        {
            return Unknown;
        }
        var timestamp = Git(directory, cancel, "show", "-s", "--format=%cI", "HEAD") ?? UnknownValue;
        // The same rule as an update's (AbbreviationRule): the checked-out branch is the one chosen.
        var branch = Git(directory, cancel, "symbolic-ref", "--short", "-q", "HEAD");
        var tags = (GitOutput(directory, cancel, "for-each-ref", "--points-at", "HEAD", "--sort=-version:refname", "--format=%(refname:strip=2)", "refs/tags") ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var abbreviation = AbbreviationRule.Choose(branch, tags, branch is null ? [] : [branch],
            Git(directory, cancel, "rev-parse", "--short=12", "HEAD") ?? commit);
        var url = Git(directory, cancel, "config", "--get", "remote.origin.url") ?? UnknownValue;
        return new VersionInfo(timestamp, commit, abbreviation, WithoutCredentials(url));
    }

    /// <summary>Drops "user:token@" from a URL: a token must never reach the system or its logs.</summary>
    public static string WithoutCredentials(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return url;
        }
        var hostStart = scheme + 3;
        var pathStart = url.IndexOf('/', hostStart);
        var authority = pathStart < 0 ? url[hostStart..] : url[hostStart..pathStart];
        var at = authority.LastIndexOf('@');
        return at < 0 ? url : url[..hostStart] + authority[(at + 1)..] + (pathStart < 0 ? "" : url[pathStart..]);
    }

    private static string? Git(string directory, CancellationToken cancel, params string[] args)
    {
        var line = GitOutput(directory, cancel, args)?.Trim();
        return line is { Length: > 0 } && !line.Contains('\n') ? line : null;
    }

    /// <summary>What git printed, or null when it failed or is missing.</summary>
    private static string? GitOutput(string directory, CancellationToken cancel, params string[] args)
    {
        try
        {
            var result = Sources.GitRunner.Local.Run(args, directory, cancel);
            return result.Ok ? result.StdoutText : null;
        }
        catch (Platform.ProgramNotFoundException)
        {
            return null;
        }
    }
}
