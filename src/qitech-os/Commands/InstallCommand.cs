using System.CommandLine;
using QiTech.Os.Activation;
using QiTech.Os.Config;
using QiTech.Os.Errors;
using QiTech.Os.Image;
using QiTech.Os.Nix;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os install (--config FILE | --system PATH) --disk /dev/X [--yes]</c>, the original's
/// nixos-setup.sh + nixos-install.sh: partitions the disk (GPT: ESP + root), formats it, mounts
/// it and installs the system as generation 1 straight onto it (<see cref="DiskInstaller"/>), laid
/// out as <c>image</c> lays out an image, with fresh partition identifiers. It refuses a disk that is mounted, swap or held, and asks before
/// it wipes one unless <c>--yes</c>.
/// </summary>
public static class InstallCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "The configuration file (YAML) to build and install" };
        var systemOption = new Option<string?>("--system") { Description = "A system already in the store to install (e.g. /run/current-system)" };
        var disk = new Option<string>("--disk") { Description = "The whole disk to erase and install onto (/dev/sdb)", Required = true };
        var yes = new Option<bool>("--yes") { Description = "Do not ask before erasing the disk" };
        var command = new Command("install", "Partition, format and install a system onto a disk") { config, systemOption, disk, yes };
        command.SetAction(async (parse, cancel) =>
        {
            var file = parse.GetValue(config);
            var given = parse.GetValue(systemOption);
            if ((file == null) == (given == null))
            {
                throw new BadInputException("give exactly one of --config and --system");
            }
            var device = BlockDevice.Open(parse.GetValue(disk)!);
            if (device.Uses() is { Count: > 0 } uses)
            {
                throw new BadInputException($"--disk {device.Path} is in use: {string.Join("; ", uses)}");
            }
            var layout = GlobalOptions.Layout(parse);
            using var store = LocalStore.Open(layout);
            using var unrooted = store.HoldOffGarbageCollection();
            StorePath system;
            if (file != null)
            {
                system = await SystemBuilder.BuildAsync(file, ConfigOption.Version(file, cancel), store, new BuildLogProgress(store.Layout.StoreDir),
                    w => Console.Error.WriteLine("warning: " + w), cancel);
            }
            else
            {
                var link = new FileInfo(layout.Physical(given!)).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                var text = link != null && layout.Root != "/" && link.StartsWith(layout.Root, StringComparison.Ordinal) ? link[layout.Root.Length..] : link ?? given!;
                system = ActivationTarget.ParseStorePath(layout, text).System;
                if (!store.IsValid(system))
                {
                    throw new BadInputException($"--system {given}: {store.Render(system)} is not in the store");
                }
            }
            if (!parse.GetValue(yes))
            {
                if (Console.IsInputRedirected)
                {
                    throw new BadInputException($"installing erases {device.Path}: confirm with --yes when not asked on a terminal");
                }
                Console.Error.Write($"This erases everything on {device.Path} ({device.SizeBytes / DiskLayout.MiB} MiB). Type 'yes' to install: ");
                if (Console.ReadLine()?.Trim() != "yes")
                {
                    throw new QiTechOsException("nothing done: not confirmed", 1);
                }
            }
            Console.Error.WriteLine($"installing {store.Render(system)} onto {device.Path}");
            await DiskInstaller.InstallAsync(store, system, device, DiskLayout.Fresh(device.SizeBytes / DiskLayout.MiB * DiskLayout.MiB),
                line => Console.Error.WriteLine(line), cancel);
            Console.Out.WriteLine($"installed {store.Render(system)} onto {device.Path}");
            return 0;
        });
        return command;
    }
}
