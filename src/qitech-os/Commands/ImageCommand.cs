using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using QiTech.Os.Config;
using QiTech.Os.Errors;
using QiTech.Os.Image;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os image --config FILE --out disk.img [--size 4G]</c>: builds the system (its
/// packages and its Debian base) into the store, then writes a raw GPT disk image that boots
/// it under UEFI and can be written to a disk with dd. Runs as a command, not a store build:
/// the root file system keeps the base's owners, which needs root outside the sandbox.
/// </summary>
public static partial class ImageCommand
{
    public const long DefaultSize = 4L << 30;

    public static Command Create()
    {
        var config = ConfigOption.Create();
        var output = new Option<string>("--out") { Description = "The disk image file to write (replaced when it exists)", Required = true };
        var size = new Option<string>("--size") { Description = "Size of the disk image: bytes, or a number with K, M, G or T (binary units); the root grows to the real disk at first boot", DefaultValueFactory = _ => "4G" };
        var command = new Command("image", "Build the system of a configuration and write a bootable raw disk image of it") { config, output, size };
        command.SetAction(async (parse, cancel) =>
        {
            var file = parse.GetValue(config)!;
            var disk = DiskLayout.Derived(ParseSize(parse.GetValue(size)!), "");
            if (disk.RootBytes < 256 * DiskLayout.MiB)
            {
                throw new BadInputException($"--size {parse.GetValue(size)}: too small; the ESP alone takes {disk.EspBytes / DiskLayout.MiB} MiB");
            }
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            using var unrooted = store.HoldOffGarbageCollection();
            var system = await SystemBuilder.BuildAsync(file, ConfigOption.Version(file, cancel), store, new BuildLogProgress(store.Layout.StoreDir),
                w => Console.Error.WriteLine("warning: " + w), cancel);
            Console.Error.WriteLine($"system: {store.Render(system)}");
            var target = parse.GetValue(output)!;
            await ImageBuilder.BuildAsync(store, system, target, DiskLayout.Derived(disk.TotalBytes, store.Render(system)),
                line => Console.Error.WriteLine(line), cancel);
            Console.Out.WriteLine(Path.GetFullPath(target));
            return 0;
        });
        return command;
    }

    /// <summary>"4G", "512M", "1073741824": binary units, rounded down to whole MiB.</summary>
    public static long ParseSize(string text)
    {
        var m = SizePattern().Match(text.Trim());
        if (!m.Success || !long.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw new BadInputException($"--size '{text}': give bytes or a number with K, M, G or T (e.g. 4G)");
        }
        var shift = m.Groups[2].Value.ToUpperInvariant() switch { "K" => 10, "M" => 20, "G" => 30, "T" => 40, _ => 0 };
        if (number > (long.MaxValue >> shift))
        {
            throw new BadInputException($"--size '{text}' is too large");
        }
        return (number << shift) / DiskLayout.MiB * DiskLayout.MiB;
    }

    [GeneratedRegex("^([0-9]{1,18})([KkMmGgTt]?)$")]
    private static partial Regex SizePattern();
}
