using System.CommandLine;
using QiTech.Os.Generations;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os retention [--keep K]</c>: how many generations each successful switch keeps.</summary>
public static class RetentionCommand
{
    public static Command Create()
    {
        var keep = new Option<int?>("--keep") { Description = "Keep the newest K generations (plus current, booted, default and last known-good)" };
        var command = new Command("retention", "Show or set how many generations survive a successful switch") { keep };
        command.SetAction(async (parse, cancel) =>
        {
            using var session = await SystemSession.OpenAsync(parse, cancel);
            if (parse.GetValue(keep) is { } k)
            {
                session.Manager.Retention = new RetentionSettings(k);
            }
            Console.Out.WriteLine($"keep the last {session.Manager.Retention.KeepLast} generations, and the current, booted, boot-default and last known-good ones");
            return 0;
        });
        return command;
    }
}
