using System.CommandLine;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Generations;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os delete-generations &lt;N…|+K|Nd&gt;</c>: drop generations; <c>store gc</c> frees
/// their paths. Through the daemon when it runs.
/// </summary>
public static class DeleteGenerationsCommand
{
    public static Command Create()
    {
        var spec = new Argument<string[]>("WHICH")
        {
            Description = "Generation numbers, +K (keep the newest K) or Nd (older than N days)",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("delete-generations", "Delete generations (never the current, booted or boot-default one)") { spec };
        command.SetAction(async (parse, cancel) =>
        {
            var args = parse.GetValue(spec) ?? [];
            var which = DeletionSpec.Parse(args);
            using var daemon = DaemonClient.TryConnect(GlobalOptions.Layout(parse));
            if (daemon != null)
            {
                Print(await daemon.DeleteGenerationsAsync(string.Join(' ', args), cancel));
                return 0;
            }
            using var session = await SystemSession.OpenAsync(parse, cancel);
            Print(DeletionJson.From(session.Manager.DeleteGenerations(which)));
            return 0;
        });
        return command;
    }

    private static void Print(DeletionJson deletion)
    {
        foreach (var number in deletion.Deleted)
        {
            Console.Out.WriteLine($"deleted generation {number}");
        }
        foreach (var kept in deletion.Kept)
        {
            Console.Out.WriteLine($"kept generation {kept.Number}: it {kept.Reason}");
        }
        Console.Out.WriteLine(deletion.Deleted.Count == 0
            ? "nothing deleted"
            : "run 'qitech-os store gc' to free their store paths");
    }
}
