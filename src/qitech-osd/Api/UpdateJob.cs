using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Jobs;
using QiTech.Os.Sources;
using QiTech.Os.Updates;

namespace QiTech.Os.Daemon.Api;

/// <summary>
/// The <c>update</c> job: <see cref="UpdateInstaller"/> with its steps, percent, time left and
/// log lines going to the job. A cancel kills the programs the update runs (git, builds) and
/// ends the job "cancelled" with nothing activated; once activation has begun a cancel is
/// refused (it rolls forward), except during the health wait, where it rolls back. The source's token is scrubbed from everything the job tells.
/// </summary>
public static class UpdateJob
{
    public static async Task RunAsync(SystemHost host, UpdateRequest request, JobContext context)
    {
        var scrubber = new SourceTokenStore(host.Layout).Scrubber();
        var progress = new JobUpdateProgress(context, scrubber);
        progress.Log($"updating to {request.Ref} from {request.Source}");
        UpdateResult result;
        try
        {
            result = await new UpdateInstaller(host.LocalStore, host.Manager).InstallAsync(request, progress, context.Cancel, new JobSteps(context), context);
        }
        catch (Exception e) when (e is not OperationCanceledException && context.Cancel.IsCancellationRequested)
        {
            // A program killed by the cancel fails in its own way; the cause is the cancel.
            throw new OperationCanceledException("cancelled", e, context.Cancel);
        }
        catch (QiTechOsException e) when (scrubber.Finds(e.Message))
        {
            throw new QiTechOsException(scrubber.Scrub(e.Message), e.ExitCode);
        }
        context.SetResult(UpdateJson.From(request, result));
        if (context.Cancel.IsCancellationRequested && !result.Activation.Cancelled)
        {
            progress.Log("the cancel came after activation had begun; an activation always completes");
        }
        GenerationEndpoints.ThrowUnlessSucceeded(result.Activation, context);
    }
}
