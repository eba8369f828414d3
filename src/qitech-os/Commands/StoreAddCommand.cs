using System.CommandLine;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os store add PATH [--name NAME]</c>: import a tree, print its store path last.</summary>
public static class StoreAddCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "File, symlink or directory to import" };
        var name = new Option<string?>("--name") { Description = "Name part of the store path (default: PATH's file name)" };
        var command = new Command("add", "Import PATH into the store and print its store path") { path, name };
        command.SetAction((parse, cancel) =>
        {
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            var result = store.AddPathWithStats(parse.GetValue(path)!, parse.GetValue(name), cancel);
            Console.Out.WriteLine(store.Render(result.Path));
            return Task.FromResult(0);
        });
        return command;
    }
}
