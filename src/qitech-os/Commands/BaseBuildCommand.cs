using System.CommandLine;
using QiTech.Os.Base;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os base build [--config F] --out PATH</c>: the base's root tree built offline from
/// the locked .debs (a directory, or a tarball when PATH ends in .tar).
/// </summary>
public static class BaseBuildCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Where the tree goes: a new folder, or a file ending in .tar", Required = true };
        var noDevices = new Option<bool>("--no-devices") { Description = "Make no device nodes in /dev (a tree that is to enter the store)" };
        var command = new Command("build", "Build the base's root tree offline, in the sandbox, from the locked .debs") { output, noDevices };
        command.SetAction(async (parse, cancel) =>
        {
            var configFile = parse.GetValue(BaseCommand.Config)!;
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            using var holdOff = store.HoldOffGarbageCollection();
            var (baseLock, mirror) = await BaseMirrorCommand.MirrorAsync(configFile, store, cancel);
            var builder = new BaseTreeBuilder(store)
            {
                Log = BaseCommand.Log("mmdebstrap"),
                ExtraOptions = parse.GetValue(noDevices) ? ["--skip=output/dev"] : [],
            };
            await builder.BuildAsync(baseLock.Request, mirror, parse.GetValue(output)!, cancel);
            Console.Out.WriteLine(Path.GetFullPath(parse.GetValue(output)!));
            return 0;
        });
        return command;
    }
}
