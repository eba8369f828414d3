using System.CommandLine;
using QiTech.Os.Nar;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os store restore DEST</c>: a NAR from stdin recreated at DEST.</summary>
public static class StoreRestoreCommand
{
    public static Command Create()
    {
        var dest = new Argument<string>("DEST") { Description = "Where to create the tree (must not exist, or be an empty directory)" };
        var command = new Command("restore", "Recreate a tree from a NAR on stdin") { dest };
        command.SetAction((parse, cancel) =>
        {
            using var stdin = Console.OpenStandardInput();
            using var buffered = new BufferedStream(stdin, 1 << 20);
            NarRestorer.Restore(buffered, parse.GetValue(dest)!, cancel);
            return Task.FromResult(0);
        });
        return command;
    }
}
