using System.CommandLine;
using QiTech.Os.Config;
using QiTech.Os.Errors;
using QiTech.Os.Image;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os build-vm --config FILE [--out result] [--port 3001]</c>, as
/// <c>nixos-rebuild build-vm</c>: the system's disk image and a script that boots it in qemu
/// with the UI forwarded to a host port, in <c>./result</c> — the quickest way to try a
/// configuration.
/// </summary>
public static class BuildVmCommand
{
    public static Command Create()
    {
        var config = ConfigOption.Create();
        var output = new Option<string>("--out") { Description = "The folder to leave the image and its run-vm script in", DefaultValueFactory = _ => "result" };
        var port = new Option<int>("--port") { Description = "The host port (on 127.0.0.1) that reaches the machine's UI", DefaultValueFactory = _ => 3001 };
        var command = new Command("build-vm", "Build the system of a configuration as a disk image with a script that boots it in qemu") { config, output, port };
        command.SetAction(async (parse, cancel) =>
        {
            var file = parse.GetValue(config)!;
            var hostPort = parse.GetValue(port);
            if (hostPort is < 1 or > 65535)
            {
                throw new BadInputException($"--port {hostPort}: not a TCP port");
            }
            var result = Path.GetFullPath(parse.GetValue(output)!);
            if (File.Exists(result) || (Directory.Exists(result) && !File.Exists(Path.Combine(result, VmScript.FileName))))
            {
                throw new BadInputException($"--out {result}: exists and is not an earlier build-vm result");
            }
            Directory.CreateDirectory(result);
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            using var unrooted = store.HoldOffGarbageCollection();
            var system = await SystemBuilder.BuildAsync(file, ConfigOption.Version(file, cancel), store, new BuildLogProgress(store.Layout.StoreDir),
                w => Console.Error.WriteLine("warning: " + w), cancel);
            Console.Error.WriteLine($"system: {store.Render(system)}");
            var image = Path.Combine(result, "disk.img");
            await ImageBuilder.BuildAsync(store, system, image, DiskLayout.Derived(ImageCommand.DefaultSize, store.Render(system)),
                line => Console.Error.WriteLine(line), cancel);
            var script = Path.Combine(result, VmScript.FileName);
            File.WriteAllText(script, VmScript.Render(image, system.Name, hostPort));
            File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
            Console.Out.WriteLine(script);
            return 0;
        });
        return command;
    }
}
