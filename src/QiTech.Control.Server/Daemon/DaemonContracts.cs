namespace QiTech.Control.Server.Daemon;

// The JSON shapes of docs/daemon-api.md, one record per object. Kept in one file because
// they are one concern: the daemon's wire contract.

/// <summary>The <c>QITECH_OS_GIT_*</c> values of a generation.</summary>
/// <remarks>The timestamp is kept as sent (ISO 8601 committer date); pages format it.</remarks>
public sealed record VersionInfo(string? Abbreviation, string? Commit, string? Timestamp, string? Url);

public sealed record GenerationInfo(
    int Number,
    string StorePath,
    DateTimeOffset Created,
    bool Current,
    bool Booted,
    bool BootDefault,
    long? DiskCostBytes,
    VersionInfo? Version,
    bool KnownGood = false,
    string? Failure = null)
{
    /// <summary>True when this generation did not start correctly (<see cref="Failure"/> says why).</summary>
    public bool Failed => Failure is not null;
}

public sealed record ServiceInfo(string Name, string State, int? Pid, double? UptimeSeconds, int Restarts);

public sealed record SystemStatus(
    GenerationInfo? Current,
    GenerationInfo? Booted,
    GenerationInfo? BootDefault,
    IReadOnlyList<ServiceInfo> Services,
    BootFallbackInfo? Fallback = null);

/// <summary>The running boot fell back: generation <see cref="From"/> failed its boots, <see cref="To"/> was booted instead.</summary>
public sealed record BootFallbackInfo(int From, int To, string Reason);

/// <summary>One step of a job; <see cref="SecondsLeft"/> while running, when the daemon can estimate it.</summary>
public sealed record JobStep(string Name, string State, double? Percent, int? SecondsLeft = null);

/// <summary>A daemon job; <see cref="State"/> is running, succeeded, failed or cancelled.</summary>
public sealed record JobInfo(long Id, string Kind, string State, IReadOnlyList<JobStep> Steps, string? Error, RollbackInfo? Rollback = null)
{
    public bool IsRunning => State == JobStates.Running;
}

/// <summary>
/// A version that did not start correctly: <see cref="FailedVersion"/>, what runs instead
/// (<see cref="RunningVersion"/>, null when nothing was switched back), which check failed and
/// its last output (<see cref="Reason"/>), the unit whose log tells more.
/// </summary>
public sealed record RollbackInfo(string FailedVersion, string? RunningVersion, string Reason, string? Unit, IReadOnlyList<string> LastLogLines, bool Cancelled);

public static class JobStates
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

public sealed record JobStarted(long JobId);

/// <summary>The update source; the token itself never comes back, only whether one is set.</summary>
public sealed record UpdateSource(string? Url, bool HasToken);

/// <summary>
/// One tag, branch or commit to update to. <see cref="Date"/> is the commit date as sent
/// (ISO 8601); <see cref="Running"/> marks the running commit when the daemon says so.
/// </summary>
public sealed record UpdateTarget(string Kind, string Name, string Commit, string? Date, bool OlderThanRunning, string? Subject = null, bool Running = false);

public sealed record Changelog(string Ref, string Text);

public sealed record ActivateRequest(string? StorePath, int? Generation, ActivationMode Mode);

public sealed record RollbackRequest(ActivationMode Mode);

public sealed record DeleteGenerationsRequest(string Spec);

public sealed record GcRequest(bool DryRun);

public sealed record InstallRequest(string Ref, ActivationMode Mode);

public sealed record SourceRequest(string Url);

public sealed record TokenRequest(string Token);

/// <summary>One Server-Sent Event of a job: <see cref="Type"/> is step, log, progress or done; data as sent.</summary>
public sealed record JobEvent(string Type, string Data);
