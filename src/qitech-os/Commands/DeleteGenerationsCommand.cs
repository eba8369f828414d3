using System.CommandLine;
using QiTech.Os.Generations;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os delete-generations &lt;N…|+K|Nd&gt;</c>: drop generations; <c>store gc</c> frees their paths.</summary>
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
            var which = DeletionSpec.Parse(parse.GetValue(spec) ?? []);
            using var session = await SystemSession.OpenAsync(parse, cancel);
            var result = session.Manager.DeleteGenerations(which);
            foreach (var number in result.Deleted)
            {
                Console.Out.WriteLine($"deleted generation {number}");
            }
            foreach (var (number, why) in result.Kept)
            {
                Console.Out.WriteLine($"kept generation {number}: it {why}");
            }
            Console.Out.WriteLine(result.Deleted.Count == 0
                ? "nothing deleted"
                : "run 'qitech-os store gc' to free their store paths");
            return 0;
        });
        return command;
    }
}
