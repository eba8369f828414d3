using System.CommandLine;
using QiTech.Os.Cli.Operations;
using QiTech.Os.Errors;
using QiTech.Os.Services;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os logs UNIT [-n N] [-f]</c>: a service's log (as the embedded supervisor keeps
/// it under <c>R/var/log/qitech/</c>), through the daemon when it runs, else from the files.
/// </summary>
public static class LogsCommand
{
    public static Command Create()
    {
        var unit = new Argument<string>("UNIT") { Description = "Service name (\"server\" or \"server.service\")" };
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the last lines to show", DefaultValueFactory = _ => 50 };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until interrupted" };
        var command = new Command("logs", "Show a service's log") { unit, lines, follow };
        command.SetAction(async (parse, cancel) =>
        {
            var name = UnitName.Normalize(parse.GetValue(unit));
            var count = parse.GetValue(lines);
            if (count < 0)
            {
                throw new BadInputException($"-n {count}: give a number of lines, 0 or more");
            }
            using var operations = SystemOperations.Open(parse);
            try
            {
                if (parse.GetValue(follow))
                {
                    await foreach (var line in operations.FollowLogAsync(name, count, cancel))
                    {
                        Console.WriteLine(line);
                    }
                    return 0;
                }
                foreach (var line in await operations.LogAsync(name, count, cancel))
                {
                    Console.WriteLine(line);
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // Ctrl-C ends following.
            }
            return 0;
        });
        return command;
    }
}
