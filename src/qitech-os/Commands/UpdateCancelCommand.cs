using System.CommandLine;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Health;
using QiTech.Os.Jobs;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os update cancel [JOBID]</c>: cancels the update the daemon runs (or job JOBID)
/// and waits until it has ended; its programs die with it and nothing is activated.
/// </summary>
public static class UpdateCancelCommand
{
    public static Command Create()
    {
        var id = new Argument<int?>("JOBID") { Description = "The job to cancel (default: the running update)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("cancel", "Cancel the running update in qitech-osd") { id };
        command.SetAction(async (parse, cancel) =>
        {
            var layout = GlobalOptions.Layout(parse);
            using var daemon = DaemonClient.TryConnect(layout)
                ?? throw new QiTechOsException($"no qitech-osd answers on {layout.DaemonSocket}; an update run without it is cancelled with Ctrl-C where it runs");
            var jobId = parse.GetValue(id) ?? RunningUpdate(await daemon.JobsAsync(cancel));
            await daemon.CancelJobAsync(jobId, cancel);
            var job = await daemon.WaitForJobAsync(jobId, null, cancel);
            Console.Out.WriteLine($"job {jobId} ({DaemonJson.WireName(job.Kind)}) {DaemonJson.WireName(job.State)}");
            return job.State == JobState.Cancelled ? 0 : 1;
        });
        return command;
    }

    private static int RunningUpdate(IReadOnlyList<JobJson> jobs) =>
        jobs.FirstOrDefault(j => j is { Kind: JobKind.Update, IsRunning: true })?.Id
            ?? throw new QiTechOsException("no update is running");
}
