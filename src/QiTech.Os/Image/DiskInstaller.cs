using System.Globalization;
using QiTech.Os.Base;
using QiTech.Os.Errors;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Image;

/// <summary>
/// Installs a whole-OS system onto a disk of this machine, as nixos-install does onto its
/// target: partitions it (the layout <see cref="DiskLayout"/> gives an image), formats both
/// partitions, mounts them and stages the machine's root straight onto the new root file
/// system (<see cref="ImageBuilder.StageAsync"/>), the boot entries onto the mounted ESP. Unlike
/// an image, which is made in a work folder and copied, nothing is staged elsewhere first: the
/// machine installing may have far less free space (a tmpfs /tmp, its own small root) than the
/// system it installs.
/// </summary>
public static class DiskInstaller
{
    private static readonly IReadOnlyList<(string Program, string Package)> Tools =
    [
        ("/usr/sbin/sfdisk", "fdisk"), ("/usr/sbin/mkfs.vfat", "dosfstools"), ("/usr/sbin/mkfs.ext4", "e2fsprogs"),
        ("/usr/bin/mount", "mount"), ("/usr/bin/umount", "mount"), ("/usr/bin/partx", "util-linux"),
    ];

    public static async Task InstallAsync(LocalStore store, StorePath system, BlockDevice device, DiskLayout disk, Action<string> log, CancellationToken cancel)
    {
        var basePath = BaseDeployment.BaseOf(store.Layout, system)
            ?? throw new BadInputException($"{store.Render(system)} has no base: only a whole system installs onto a disk (system.base.enable: true)");
        DiskTools.Require("installing onto a disk", Tools);
        if (!Posix.IsRoot)
        {
            throw new QiTechOsException("installing onto a disk needs root");
        }
        log($"partitioning {device.Path}");
        await DiskTools.RunAsync("/usr/sbin/sfdisk", ["--quiet", "--wipe", "always", device.Path], cancel, disk.SfdiskScript());
        var (esp, root) = await PartitionsAsync(device, cancel);
        log($"formatting {esp} (EFI system partition) and {root} (root, {disk.RootBytes / DiskLayout.MiB} MiB)");
        await DiskTools.RunAsync("/usr/sbin/mkfs.vfat", ["-F", "32", "-n", "QITECH-ESP", "-i", disk.EspVolumeId.ToString("x8", CultureInfo.InvariantCulture), esp], cancel);
        await DiskTools.RunAsync("/usr/sbin/mkfs.ext4", ["-q", "-F", "-O", DiskLayout.RootFeatures, "-L", DiskLayout.RootLabel, "-U", disk.RootFileSystem.ToString("D"),
            "-E", $"root_owner=0:0,hash_seed={disk.RootFileSystem:D}", root], cancel);
        var target = Path.Combine(Path.GetTempPath(), $"qitech-install-{Environment.ProcessId}");
        Directory.CreateDirectory(target);
        var mounted = new Stack<string>();
        try
        {
            await DiskTools.RunAsync("/usr/bin/mount", ["-t", "ext4", root, target], cancel);
            mounted.Push(target);
            Directory.CreateDirectory(target + "/boot");
            await DiskTools.RunAsync("/usr/bin/mount", ["-t", "vfat", "-o", "umask=0077", esp, target + "/boot"], cancel);
            mounted.Push(target + "/boot");
            await ImageBuilder.StageAsync(store, system, basePath, target, disk, log, cancel);
            ImageBuilder.InstallBootLoader(store, basePath, target + "/boot");
            log("writing everything to the disk");
            foreach (var mount in mounted)
            {
                Posix.SyncFileSystem(mount);
            }
        }
        finally
        {
            while (mounted.TryPop(out var mount))
            {
                // Even when the install failed or was cancelled: a mounted target would block the next try.
                await DiskTools.RunAsync("/usr/bin/umount", [mount], CancellationToken.None);
            }
            Directory.Delete(target);
        }
    }

    /// <summary>The new ESP and root partitions, once the kernel shows them (devtmpfs makes their nodes).</summary>
    private static async Task<(string Esp, string Root)> PartitionsAsync(BlockDevice device, CancellationToken cancel)
    {
        // sfdisk asked the kernel to read the new table; a kernel without a GPT parser (or a
        // loop device without partition scanning) is told the partitions one by one instead.
        await DiskTools.RunAsync("/usr/bin/partx", ["--update", device.Path], cancel);
        for (var waited = 0; waited < 100; waited++)
        {
            var partitions = BlockDevice.Open(device.Path).Partitions.Select(p => "/dev/" + p).ToList();
            if (partitions.Count == 2 && partitions.All(File.Exists))
            {
                return (partitions[0], partitions[1]);
            }
            await Task.Delay(100, cancel);
        }
        throw new QiTechOsException($"{device.Path}: the kernel shows no two new partitions after partitioning");
    }
}
