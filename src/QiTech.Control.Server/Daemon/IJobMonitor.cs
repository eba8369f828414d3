using QiTech.Os.Client;
using QiTech.Os.Contract;

namespace QiTech.Control.Server.Daemon;

/// <summary>Follows and cancels daemon jobs.</summary>
public interface IJobMonitor
{
    Task<IReadOnlyList<JobJson>> GetJobsAsync(CancellationToken cancel);

    /// <summary>The job, or null when the daemon does not know it (for example after it restarted).</summary>
    Task<JobJson?> GetJobAsync(int jobId, CancellationToken cancel);

    /// <summary>The job's events as they happen; ends after <c>done</c> or when the daemon closes the stream.</summary>
    IAsyncEnumerable<DaemonEvent> WatchJobAsync(int jobId, CancellationToken cancel);

    Task CancelJobAsync(int jobId, CancellationToken cancel);

    /// <summary>
    /// The version an activation or update job found not to start correctly, and what runs
    /// instead, read from the job's result; null when there was none.
    /// </summary>
    RollbackJson? RollbackOf(JobJson job);

    /// <summary>An update job's result (the ref chosen, what it resolved to); null for other jobs or before it succeeded.</summary>
    UpdateJson? UpdateOf(JobJson job);
}
