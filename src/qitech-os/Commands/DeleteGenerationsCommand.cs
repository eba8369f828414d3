using System.CommandLine;
using QiTech.Os.Cli.Operations;
using QiTech.Os.Contract;

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
            using var operations = SystemOperations.Open(parse);
            Print(await operations.DeleteGenerationsAsync(args, cancel));
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
