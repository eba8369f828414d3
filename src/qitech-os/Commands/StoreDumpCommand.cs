using System.CommandLine;
using QiTech.Os.Nar;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os store dump PATH</c>: the NAR of a tree on stdout.</summary>
public static class StoreDumpCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "File, symlink or directory to archive" };
        var command = new Command("dump", "Write the NAR serialisation of PATH to stdout") { path };
        command.SetAction((parse, cancel) =>
        {
            using var stdout = Console.OpenStandardOutput();
            using var buffered = new BufferedStream(stdout, 1 << 20);
            FileSystemNarSource.Read(parse.GetValue(path)!, new NarSerializer(buffered), cancel);
            buffered.Flush();
            return Task.FromResult(0);
        });
        return command;
    }
}
