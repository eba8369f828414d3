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
        command.SetAction(async (parse, cancel) =>
        {
            var file = parse.GetValue(config)!;
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            var path = await SystemBuilder.BuildAsync(file, ConfigOption.Version(file), store, new BuildLogProgress(store.Layout.StoreDir),
                w => Console.Error.WriteLine("warning: " + w), cancel);
            Console.Out.WriteLine(store.Render(path));
            return 0;
        });
        return command;
    }
}
