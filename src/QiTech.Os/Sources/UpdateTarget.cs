namespace QiTech.Os.Sources;

/// <summary>What kind of name an update target has.</summary>
public enum UpdateTargetKind
{
    Tag,
    Branch,
    Commit,
}

/// <summary>
/// One version the machine can be updated to. <see cref="OlderThanRunning"/> is true when
/// the commit is an ancestor of the running one (an update to it is a downgrade);
/// <see cref="Refusal"/> says why the name cannot be installed (a tag named <c>-x</c> looks like
/// an option), null when it can.
/// </summary>
public sealed record UpdateTarget(
    UpdateTargetKind Kind,
    string Name,
    GitCommitHash Commit,
    DateTimeOffset Date,
    string Subject,
    bool OlderThanRunning,
    bool IsRunning,
    string? Refusal = null);
