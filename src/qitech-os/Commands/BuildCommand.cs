using System.CommandLine;
using QiTech.Os.Config;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os build --config FILE [--check]</c>: build the system into the store and print its
/// path; with <c>--check</c>, every package built from source is rebuilt once more and must
/// come out bit for bit the same.
/// </summary>
public static class BuildCommand
{
    public static Command Create()
    {
        var config = ConfigOption.Create();
        var check = new Option<bool>("--check") { Description = "Rebuild every package built from source once more and fail if the bits differ" };
        var command = new Command("build", "Build the system of a configuration and print its store path; nothing else changes") { config, check };
        command.SetAction(async (parse, cancel) =>
        {
            var file = parse.GetValue(config)!;
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            using var unrooted = store.HoldOffGarbageCollection();
            var prepared = SystemBuilder.Prepare(file, ConfigOption.Version(file), store, w => Console.Error.WriteLine("warning: " + w), cancel);
            await SystemBuilder.BuildPackagesAsync(prepared, store, new BuildLogProgress(store.Layout.StoreDir), cancel: cancel);
            if (parse.GetValue(check))
            {
                await SystemBuilder.BuildPackagesAsync(prepared, store, new BuildLogProgress(store.Layout.StoreDir, checking: true), check: true, cancel);
            }
            Console.Out.WriteLine(store.Render(SystemBuilder.Finish(prepared, store, cancel)));
            return 0;
        });
        return command;
    }
}
