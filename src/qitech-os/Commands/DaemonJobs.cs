using QiTech.Os.Client;

namespace QiTech.Os.Cli.Commands;

/// <summary>Following a daemon job from the CLI: its log lines (to stderr unless told otherwise); Ctrl-C cancels it.</summary>
public static class DaemonJobs
{
    public static async Task<DaemonJob> FollowAsync(DaemonClient daemon, int jobId, CancellationToken cancel, Action<string>? onLog = null)
    {
        try
        {
            return await daemon.WaitForJobAsync(jobId, onLog ?? (line => Console.Error.WriteLine(line)), cancel);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            try
            {
                await daemon.CancelJobAsync(jobId, CancellationToken.None);
            }
            catch (DaemonException)
            {
                // It ended meanwhile: nothing left to cancel.
            }
            throw;
        }
    }

    /// <summary>Prints why a job did not succeed and returns exit code 1; 0 when it succeeded.</summary>
    public static int ExitCode(DaemonJob job, bool failureAlreadyShown = false)
    {
        if (job.State == "succeeded")
        {
            return 0;
        }
        if (!failureAlreadyShown)
        {
            Console.Error.WriteLine("error: " + (job.Error ?? $"job {job.Id} {job.State}"));
        }
        return 1;
    }
}
