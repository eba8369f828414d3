using System.CommandLine;
using QiTech.Os.Client;
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
                var answer = DaemonDeletion.From(await daemon.DeleteGenerationsAsync(string.Join(' ', args), cancel));
                Print(answer.Deleted, answer.Kept.Select(k => (k.Number, k.Reason)).ToList());
                return 0;
            }
            using var session = await SystemSession.OpenAsync(parse, cancel);
            var result = session.Manager.DeleteGenerations(which);
            Print(result.Deleted.Select(d => d.Value).ToList(), result.Kept.Select(k => (k.Number.Value, k.Why)).ToList());
            return 0;
        });
        return command;
    }

    private static void Print(IReadOnlyList<int> deleted, IReadOnlyList<(int Number, string Why)> kept)
    {
        foreach (var number in deleted)
        {
            Console.Out.WriteLine($"deleted generation {number}");
        }
        foreach (var (number, why) in kept)
        {
            Console.Out.WriteLine($"kept generation {number}: it {why}");
        }
        Console.Out.WriteLine(deleted.Count == 0
            ? "nothing deleted"
            : "run 'qitech-os store gc' to free their store paths");
    }
}
