using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Health;
using QiTech.Os.Jobs;

namespace QiTech.Os.Cli.Operations;

/// <summary>
/// Follows a daemon job in the terminal: step changes and log lines to stderr as they come.
/// When the command is interrupted (Ctrl-C, SIGTERM) the job is cancelled in the daemon
/// before the command exits, so nothing keeps running that nobody watches — unless the daemon
/// refuses (an activation under way finishes or rolls back by itself): then its reason is printed.
/// </summary>
public static class DaemonJobFollower
{
    /// <summary>How long an interrupted command waits for the daemon to confirm the cancel.</summary>
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(8);

    /// <returns>The finished job, or null when the command was interrupted (the job was asked to cancel).</returns>
    public static async Task<JobJson?> FollowAsync(DaemonClient daemon, int jobId, CancellationToken cancel)
    {
        try
        {
            await PrintEventsAsync(daemon, jobId, cancel);
            return await daemon.JobAsync(jobId, CancellationToken.None);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine($"interrupted: cancelling job {jobId}");
            try
            {
                await daemon.CancelJobAsync(jobId, CancellationToken.None);
            }
            catch (DaemonException e) when (e.Status == 409)
            {
                // Either it ended meanwhile, or it is where a cancel cannot stop it (an activation):
                // then the daemon's reason is all there is to say, and the job goes on without us.
                if ((await daemon.FindJobAsync(jobId, CancellationToken.None)) is { IsRunning: true })
                {
                    Console.Error.WriteLine($"{e.Message} (it goes on in qitech-osd: see 'qitech-os status')");
                    return null;
                }
            }
            using var wait = new CancellationTokenSource(CancelWait);
            try
            {
                await PrintEventsAsync(daemon, jobId, wait.Token, outcomeOnly: true);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"job {jobId} did not confirm the cancel within {CancelWait.TotalSeconds:0} s; see 'qitech-os status'");
            }
            return null;
        }
    }

    private static async Task PrintEventsAsync(DaemonClient daemon, int jobId, CancellationToken cancel, bool outcomeOnly = false)
    {
        await foreach (var e in daemon.JobEventsAsync(jobId, cancel))
        {
            var step = e.Value as StepEvent;
            var text = step != null
                ? step.State switch
                {
                    JobState.Running => $"==> {step.Name}",
                    JobState.Succeeded => null,
                    _ => $"==> {step.Name}: {DaemonJson.WireName(step.State)}",
                }
                : e.Value is LogEvent log ? "    " + log.Line : null;
            // After a cancel the history was printed already: only how the step ended is new.
            if (text != null && (!outcomeOnly || step is { State: JobState.Cancelled or JobState.Failed }))
            {
                Console.Error.WriteLine(text);
            }
        }
    }
}
