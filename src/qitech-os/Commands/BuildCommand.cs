using System.CommandLine;
using QiTech.Os.Config;
using QiTech.Os.Errors;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os build --config FILE [--check] [--out-link P | --no-out-link]</c>: build the system
/// into the store and print its path; with <c>--check</c>, every package built from source is
/// rebuilt once more and must come out bit for bit the same. As nix-build, the result is kept
/// from garbage collection by an out-link (<c>./result</c> unless named or refused).
/// </summary>
public static class BuildCommand
{
    public static Command Create()
    {
        var config = ConfigOption.Create();
        var check = new Option<bool>("--check") { Description = "Rebuild every package built from source once more and fail if the bits differ" };
        var outLink = new Option<string?>("--out-link", "-o") { Description = "Symlink to the built system, kept from garbage collection while it exists (default: ./result)" };
        var noOutLink = new Option<bool>("--no-out-link") { Description = "Make no out-link: the built system is collected by the next store gc" };
        var command = new Command("build", "Build the system of a configuration and print its store path; nothing else changes") { config, check, outLink, noOutLink };
        command.SetAction(async (parse, cancel) =>
        {
            var file = parse.GetValue(config)!;
            if (parse.GetValue(noOutLink) && parse.GetValue(outLink) != null)
            {
                throw new BadInputException("build: --out-link and --no-out-link exclude each other");
            }
            var link = parse.GetValue(noOutLink) ? null : OutLink.Check(parse.GetValue(outLink) ?? "result");
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            using var unrooted = store.HoldOffGarbageCollection();
            var prepared = SystemBuilder.Prepare(file, ConfigOption.Version(file, cancel), store, w => Console.Error.WriteLine("warning: " + w), cancel);
            await SystemBuilder.BuildPackagesAsync(prepared, store, new BuildLogProgress(store.Layout.StoreDir), cancel: cancel);
            if (parse.GetValue(check))
            {
                await SystemBuilder.BuildPackagesAsync(prepared, store, new BuildLogProgress(store.Layout.StoreDir, checking: true), check: true, cancel);
            }
            var system = SystemBuilder.Finish(prepared, store, cancel);
            if (link != null)
            {
                OutLink.Create(store, system, link);
            }
            Console.Out.WriteLine(store.Render(system));
            return 0;
        });
        return command;
    }
}
