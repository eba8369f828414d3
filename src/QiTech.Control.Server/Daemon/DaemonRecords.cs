using QiTech.Os.Client;
using QiTech.Os.Generations;

namespace QiTech.Control.Server.Daemon;

/// <summary>The core client's answers as the records the pages render.</summary>
public static class DaemonRecords
{
    public static SystemStatus Status(DaemonStatus status) => new(
        status.Current is { } current ? Generation(current) : null,
        status.Booted is { } booted ? Generation(booted) : null,
        status.BootDefault is { } bootDefault ? Generation(bootDefault) : null,
        [.. status.Services.Select(s => new ServiceInfo(s.Name, s.State, s.Pid, s.UptimeSeconds, s.Restarts))],
        status.BootFallback is { } f ? new BootFallbackInfo(f.From, f.To, f.Reason) : null);

    public static GenerationInfo Generation(GenerationJson g) => new(
        g.Number, g.StorePath, g.Created, g.Current, g.Booted, g.BootDefault, g.DiskCostBytes,
        g.Version is { } v ? new VersionInfo(v.Abbreviation, v.Commit, v.Timestamp, v.Url) : null,
        g.KnownGood,
        g.Failure);

    public static JobInfo Job(DaemonJob job) =>
        new(job.Id, job.Kind, job.State, [.. job.Steps.Select(s => new JobStep(s.Name, s.State, s.Percent, s.SecondsLeft))], job.Error,
            DaemonActivation.From(job)?.Rollback is { } r
                ? new RollbackInfo(Label(r.Failed), r.RunningAgain is { } back ? Label(back) : null, r.Reason, r.Unit, r.LastLogLines, r.Cancelled)
                : null);

    /// <summary>"v2 (generation 2)".</summary>
    private static string Label(DaemonVersionRef version) =>
        version.Generation is { } n ? $"{version.Version} (generation {n})" : version.Version;

    /// <summary>The daemon's word for a mode (kebab case).</summary>
    public static string Mode(ActivationMode mode) => mode switch
    {
        ActivationMode.Switch => "switch",
        ActivationMode.Boot => "boot",
        ActivationMode.Test => "test",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not an activation mode"),
    };

    public static bool TryJobId(long id, out int jobId)
    {
        jobId = id is > 0 and <= int.MaxValue ? (int)id : 0;
        return jobId > 0;
    }

    /// <summary>The daemon numbers jobs with 32-bit integers: a larger id names no job.</summary>
    public static int JobId(long id) =>
        TryJobId(id, out var jobId) ? jobId : throw new DaemonException(404, $"job {id}: not known to the daemon", title: "no such job");
}
