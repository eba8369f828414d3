using System.CommandLine;
using QiTech.Os.Client;
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
            var layout = GlobalOptions.Layout(parse);
            var name = UnitName.Normalize(parse.GetValue(unit));
            var count = parse.GetValue(lines);
            if (count < 0)
            {
                throw new BadInputException($"-n {count}: give a number of lines, 0 or more");
            }
            using var daemon = DaemonClient.TryConnect(layout);
            var following = parse.GetValue(follow);
            try
            {
                if (daemon != null && following)
                {
                    await foreach (var line in daemon.FollowLogsAsync(name, count, cancel))
                    {
                        Console.WriteLine(line);
                    }
                    return 0;
                }
                if (daemon != null)
                {
                    Console.Write(await daemon.LogsAsync(name, count, cancel));
                    return 0;
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return 0;
            }
            var path = ServiceLogReader.PathFor(layout, name);
            if (RotatingLog.Files(path).Count == 0 && !following)
            {
                throw new BadInputException($"{name}: no log yet ({path})");
            }
            if (!following)
            {
                foreach (var line in ServiceLogReader.Tail(path, count))
                {
                    Console.WriteLine(line);
                }
                return 0;
            }
            try
            {
                await foreach (var line in ServiceLogReader.Follow(path, count, TimeSpan.FromMilliseconds(200), cancel))
                {
                    Console.WriteLine(line);
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C ends following.
            }
            return 0;
        });
        return command;
    }
}
