using System.CommandLine;
using QiTech.Os.Cli.Operations;
using QiTech.Os.Contract;
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
            using var operations = SystemOperations.Open(parse);
            var job = await operations.CancelUpdateAsync(parse.GetValue(id), cancel);
            Console.Out.WriteLine($"job {job.Id} ({DaemonJson.WireName(job.Kind)}) {DaemonJson.WireName(job.State)}");
            return job.State == JobState.Cancelled ? 0 : 1;
        });
        return command;
    }
}
