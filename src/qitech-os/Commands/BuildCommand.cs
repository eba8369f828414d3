using System.CommandLine;
using QiTech.Os.Config;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os build --config FILE</c>: build the system into the store and print its path.</summary>
public static class BuildCommand
{
    public static Command Create()
    {
        var config = ConfigOption.Create();
        var command = new Command("build", "Build the system of a configuration and print its store path; nothing else changes") { config };
        command.SetAction((parse, cancel) =>
        {
            var file = parse.GetValue(config)!;
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            var path = SystemBuilder.Build(file, ConfigOption.Version(file), store, w => Console.Error.WriteLine("warning: " + w), cancel);
            Console.Out.WriteLine(store.Render(path));
            return Task.FromResult(0);
        });
        return command;
    }
}
