using QiTech.Os.Activation;
using QiTech.Os.Generations;
using QiTech.Os.Jobs;
using QiTech.Os.Platform;

namespace QiTech.Os.Daemon.Api;

/// <summary>The daemon API's JSON shapes (camelCase on the wire), as docs/daemon-api.md lists them.</summary>
public sealed record StatusJson(
    GenerationJson? Current,
    GenerationJson? Booted,
    GenerationJson? BootDefault,
    string? CurrentSystem,
    string? BootedSystem,
    bool Embedded,
    IReadOnlyList<ServiceJson> Services,
    BootFallback? BootFallback = null);

public sealed record ServiceJson(string Name, ServiceState State, int? Pid, long? UptimeSeconds, int Restarts, string? LastError)
{
    public static ServiceJson From(ServiceStatus s) =>
        new(s.Name, s.State, s.Pid, s.Uptime is { } u ? (long)u.TotalSeconds : null, s.Restarts, s.LastError);
}

public sealed record JobJson(
    int Id,
    string Kind,
    JobState State,
    IReadOnlyList<JobStepJson> Steps,
    string? Error,
    int? ExitCode,
    DateTimeOffset Created,
    DateTimeOffset? Finished,
    object? Result)
{
    public static JobJson From(Job job) => new(
        job.Id,
        job.Kind,
        job.State,
        job.Steps.Select(s => new JobStepJson(s.Name, s.State, s.Percent, s.SecondsLeft)).ToList(),
        job.Error,
        job.ExitCode,
        job.Created,
        job.Finished,
        job.Result);
}

public sealed record JobStepJson(string Name, JobState State, int? Percent, int? SecondsLeft);

public sealed record JobStartedJson(int JobId);

public sealed record ActivateRequest(string? StorePath, int? Generation, string? Mode, bool? Once = null, bool? NoRollback = null);

public sealed record RollbackRequest(string? Mode);

public sealed record DeleteRequest(string? Spec);

public sealed record GcRequest(bool DryRun);

public sealed record UnitFailureJson(string Unit, string Action, string Reason, IReadOnlyList<string> LastLogLines);

public sealed record ActivationJson(
    string Mode,
    string System,
    int? Generation,
    bool ServicesManaged,
    IReadOnlyList<string> Stopped,
    IReadOnlyList<string> Started,
    IReadOnlyList<string> Restarted,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<UnitFailureJson> Failures,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<int> Pruned,
    IReadOnlyList<UnitHealthJson> Health,
    RollbackJson? Rollback)
{
    public static ActivationJson From(ActivationResult result, SystemLayout layout) => new(
        result.Mode.ToString().ToLowerInvariant(),
        layout.StoreDir.Render(result.System),
        result.Generation?.Value,
        result.ServicesManaged,
        result.Plan.Stop,
        result.Plan.Start,
        result.Plan.Restart,
        result.Plan.Unchanged,
        result.Failures.Select(f => new UnitFailureJson(f.Unit, f.Action, f.Reason, f.LastLogLines)).ToList(),
        result.Warnings,
        result.Pruned.Select(p => p.Value).ToList(),
        result.Checks.Select(h => new UnitHealthJson(h.Unit, h.Check, h.Passed, h.Detail)).ToList(),
        result.Rollback is { } r ? RollbackJson.From(r, layout) : null);
}

/// <summary>One unit's health check as it ended.</summary>
public sealed record UnitHealthJson(string Unit, string Check, bool Passed, string Detail);

/// <summary>A version that did not start correctly; <see cref="RunningAgain"/> is null when nothing was switched back.</summary>
public sealed record RollbackJson(
    string Message,
    string Reason,
    string? Unit,
    IReadOnlyList<string> LastLogLines,
    VersionRefJson Failed,
    VersionRefJson? RunningAgain,
    int? BootDefault,
    bool Cancelled)
{
    public static RollbackJson From(RollbackReport r, SystemLayout layout) => new(
        r.Message, r.Reason, r.Unit, r.LastLogLines, VersionRefJson.From(r.Failed, layout),
        r.RunningAgain is { } back ? VersionRefJson.From(back, layout) : null, r.BootDefault?.Value, r.Cancelled);
}

public sealed record VersionRefJson(string System, int? Generation, string Version)
{
    public static VersionRefJson From(VersionRef v, SystemLayout layout) => new(layout.StoreDir.Render(v.System), v.Generation?.Value, v.Label);
}

public sealed record PlanJson(IReadOnlyList<string> Stop, IReadOnlyList<string> Start, IReadOnlyList<string> Restart, IReadOnlyList<string> Unchanged, IReadOnlyList<string> Lines);

public sealed record DeletionJson(IReadOnlyList<int> Deleted, IReadOnlyList<KeptJson> Kept);

public sealed record KeptJson(int Number, string Reason);

public sealed record GcJson(bool DryRun, IReadOnlyList<string> Deleted, long BytesFreed);

/// <summary>A one-shot boot: <see cref="Generation"/> boots next, then <see cref="BootDefault"/> again.</summary>
public sealed record OneShotBootJson(int Generation, int? BootDefault, string BootLoader);

public sealed record BootJson(string? System, IReadOnlyList<string> Failures, IReadOnlyList<string> Notes);

public sealed record InstallRequest(string? Ref, string? Mode, string? Source, string? ConfigFile, bool? NoRollback = null);

/// <summary>An update job's result: what the ref resolved to, from where, and the activation.</summary>
public sealed record UpdateJson(string Ref, string Commit, string Abbreviation, string Url, string Source, ActivationJson Activation)
{
    public static UpdateJson From(Updates.UpdateRequest request, Updates.UpdateResult result, SystemLayout layout) => new(
        request.Ref.Name,
        result.Source.Info.Commit.Hex,
        result.Source.Info.Abbreviation,
        result.Source.Info.Url.Url,
        layout.StoreDir.Render(result.Source.TreePath),
        ActivationJson.From(result.Activation, layout));
}
