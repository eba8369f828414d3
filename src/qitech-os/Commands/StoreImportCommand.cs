using System.CommandLine;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os store import</c>: register the paths of an export stream from stdin.</summary>
public static class StoreImportCommand
{
    public static Command Create()
    {
        var command = new Command("import", "Read an export stream from stdin and add its paths, checking their hashes");
        command.SetAction((parse, cancel) =>
        {
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            using var stdin = Console.OpenStandardInput();
            using var buffered = new BufferedStream(stdin, 1 << 20);
            foreach (var path in new StoreTransfer(store).Import(buffered, cancel))
            {
                Console.Out.WriteLine(store.Render(path));
            }
            return Task.FromResult(0);
        });
        return command;
    }
}
