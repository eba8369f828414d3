namespace QiTech.Control.Server.Daemon;

/// <summary>Follows and cancels daemon jobs.</summary>
public interface IJobMonitor
{
    Task<IReadOnlyList<JobInfo>> GetJobsAsync(CancellationToken cancel);

    /// <summary>The job, or null when the daemon does not know it (for example after it restarted).</summary>
    Task<JobInfo?> GetJobAsync(long jobId, CancellationToken cancel);

    /// <summary>The job's events as they happen; ends after <c>done</c> or when the daemon closes the stream.</summary>
    IAsyncEnumerable<JobEvent> WatchJobAsync(long jobId, CancellationToken cancel);

    Task CancelJobAsync(long jobId, CancellationToken cancel);
}
