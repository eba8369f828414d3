using System.Text;

namespace QiTech.Os.Config;

/// <summary>
/// Which source a system was built from, as the seed's version variables say it:
/// <c>QITECH_OS_GIT_TIMESTAMP</c> (committer date, ISO 8601), <c>…_COMMIT</c> (full hash),
/// <c>…_ABBREVIATION</c> (exact tag, else branch, else short hash), <c>…_URL</c> (no credentials).
/// </summary>
public sealed record VersionInfo(string Timestamp, string Commit, string Abbreviation, string Url)
{
    public const string ReleaseFileName = "qitech-os-release";

    /// <summary>For a configuration outside any git checkout.</summary>
    public static VersionInfo Unknown { get; } = new("unknown", "unknown", "unknown", "unknown");

    /// <summary>The variables in their order, QITECH_OS=true first.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variables =>
    [
        new("QITECH_OS", "true"),
        new("QITECH_OS_GIT_TIMESTAMP", Timestamp),
        new("QITECH_OS_GIT_COMMIT", Commit),
        new("QITECH_OS_GIT_ABBREVIATION", Abbreviation),
        new("QITECH_OS_GIT_URL", Url),
    ];

    /// <summary>The version of a source the update flow resolved.</summary>
    public static VersionInfo From(Sources.GitVersionInfo source) =>
        new(source.CommitterTimestamp, source.Commit.Hex, source.Abbreviation, WithoutCredentials(source.Url.Url));

    /// <summary>Reads the git checkout that holds <paramref name="directory"/>; <see cref="Unknown"/> outside one.</summary>
    public static VersionInfo FromGit(string directory, CancellationToken cancel)
    {
        var commit = Git(directory, cancel, "rev-parse", "--verify", "HEAD");
        if (commit == null)
        {
            return Unknown;
        }
        var timestamp = Git(directory, cancel, "show", "-s", "--format=%cI", "HEAD") ?? "unknown";
        // The same rule as an update's (Sources.AbbreviationRule): the checked-out branch is the one chosen.
        var branch = Git(directory, cancel, "symbolic-ref", "--short", "-q", "HEAD");
        var tags = (GitOutput(directory, cancel, "for-each-ref", "--points-at", "HEAD", "--sort=-version:refname", "--format=%(refname:strip=2)", "refs/tags") ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var abbreviation = Sources.AbbreviationRule.Choose(branch, tags, branch is null ? [] : [branch],
            Git(directory, cancel, "rev-parse", "--short=12", "HEAD") ?? commit);
        var url = Git(directory, cancel, "config", "--get", "remote.origin.url") ?? "unknown";
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

    /// <summary>The release file: KEY=value lines, values double-quoted when they hold more than a plain word.</summary>
    public string ToReleaseText()
    {
        var sb = new StringBuilder();
        foreach (var (key, value) in Variables)
        {
            sb.Append(key).Append('=').Append(Quote(value)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Reads a release file written by <see cref="ToReleaseText"/>.</summary>
    public static bool TryParseRelease(string text, out VersionInfo info)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }
            values[line[..eq]] = Unquote(line[(eq + 1)..]);
        }
        info = Unknown;
        if (values.GetValueOrDefault("QITECH_OS") != "true")
        {
            return false;
        }
        info = new VersionInfo(
            values.GetValueOrDefault("QITECH_OS_GIT_TIMESTAMP", "unknown"),
            values.GetValueOrDefault("QITECH_OS_GIT_COMMIT", "unknown"),
            values.GetValueOrDefault("QITECH_OS_GIT_ABBREVIATION", "unknown"),
            values.GetValueOrDefault("QITECH_OS_GIT_URL", "unknown"));
        return true;
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "._:/+@-".Contains(c))
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
                .Replace("$", "\\$", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal) + "\"";

    internal static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }
        var sb = new StringBuilder();
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length - 1)
            {
                i++;
            }
            sb.Append(value[i]);
        }
        return sb.ToString();
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
