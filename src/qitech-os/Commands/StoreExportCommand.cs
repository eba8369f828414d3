using System.CommandLine;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os store export PATH…</c>: the closure as one stream on stdout (nix-store --export format).</summary>
public static class StoreExportCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "Store paths whose closure to export", Arity = ArgumentArity.OneOrMore };
        var command = new Command("export", "Write the closure of PATHs to stdout as one stream") { paths };
        command.SetAction((parse, cancel) =>
        {
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            var roots = parse.GetValue(paths)!.Select(store.ParsePath).ToList();
            foreach (var root in roots)
            {
                if (!store.IsValid(root))
                {
                    throw new QiTech.Os.Errors.BadInputException($"{store.Render(root)}: not a valid store path");
                }
            }
            using var stdout = Console.OpenStandardOutput();
            using var buffered = new BufferedStream(stdout, 1 << 20);
            var count = new StoreTransfer(store).Export(roots, buffered, cancel);
            buffered.Flush();
            Console.Error.WriteLine($"exported {count} store paths");
            return Task.FromResult(0);
        });
        return command;
    }
}
