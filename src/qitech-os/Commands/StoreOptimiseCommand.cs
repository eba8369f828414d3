using System.CommandLine;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os store optimise</c>: share identical files through hard links.</summary>
public static class StoreOptimiseCommand
{
    public static Command Create()
    {
        var command = new Command("optimise", "Replace identical files in the store by hard links to one copy");
        command.SetAction((parse, cancel) =>
        {
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            var result = new StoreOptimiser(store).Optimise(cancel);
            Console.Out.WriteLine($"{result.FilesLinked} files linked, {ByteSize.Format(result.BytesSaved)} saved ({result.BytesSaved} bytes)");
            return Task.FromResult(0);
        });
        return command;
    }
}
