namespace QiTech.Os.Sources;

/// <summary>
/// A commit's identity as the system shows it: the <c>QITECH_OS_GIT_*</c> variables of a
/// generation. The URL never holds a secret (tokens are kept apart from URLs).
/// </summary>
public sealed record GitVersionInfo(GitCommitHash Commit, string CommitterTimestamp, string Abbreviation, SourceUrl Url)
{
    /// <summary>The variables, in a fixed order, as written to <c>qitech-os-release</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Variables =>
    [
        new("QITECH_OS_GIT_TIMESTAMP", CommitterTimestamp),
        new("QITECH_OS_GIT_COMMIT", Commit.Hex),
        new("QITECH_OS_GIT_ABBREVIATION", Abbreviation),
        new("QITECH_OS_GIT_URL", Url.Url),
    ];
}
