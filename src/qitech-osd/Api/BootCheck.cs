using QiTech.Os.Errors;
using QiTech.Os.Jobs;

namespace QiTech.Os.Daemon.Api;

/// <summary>
/// The <c>boot</c> job (and the end of a <c>reboot</c>): waits for the booted units' health
/// checks, each a step; fails when one fails, so the operator sees why the boot counts down.
/// </summary>
public static class BootCheck
{
    public static async Task RunAsync(SystemHost host, PendingBootCheck pending, JobContext context)
    {
        var outcome = await host.AssessBootAsync(pending, new JobSteps(context), context.LogProgress, context.Cancel);
        context.Cancel.ThrowIfCancellationRequested();
        if (outcome.Failure is { } failure)
        {
            foreach (var line in failure.LastLogLines)
            {
                context.Log($"{failure.Unit}: {line}");
            }
            throw new QiTechOsException($"generation {pending.Generation} did not boot healthy: {failure.Reason}");
        }
    }
}
