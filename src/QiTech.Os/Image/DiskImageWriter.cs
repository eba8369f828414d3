using System.Globalization;
using QiTech.Os.Errors;
using QiTech.Os.Platform;

namespace QiTech.Os.Image;

/// <summary>
/// Writes a raw GPT disk image from two trees without loop devices or mounts: the ESP as a
/// FAT file (<c>mkfs.vfat -C</c>, filled by mtools), the root as an ext4 file made from the
/// staging tree (<c>mkfs.ext4 -d</c>, which keeps owners, modes, hard links and file
/// capabilities), the partition table written by sfdisk on the image file, and both file
/// systems copied to their offsets with <c>dd conv=notrunc</c>. Fixed identifiers (file
/// system UUID, hash seed, FAT volume id, a fixed clock) keep the result stable.
/// </summary>
public static class DiskImageWriter
{
    /// <summary>The programs this needs, with their Debian packages.</summary>
    private static readonly IReadOnlyList<(string Program, string Package)> Tools =
    [
        ("/usr/sbin/mkfs.vfat", "dosfstools"), ("/usr/bin/mcopy", "mtools"), ("/usr/bin/mmd", "mtools"),
        ("/usr/sbin/mkfs.ext4", "e2fsprogs"), ("/usr/sbin/debugfs", "e2fsprogs"), ("/usr/sbin/sfdisk", "fdisk"), ("/usr/bin/dd", "coreutils"),
    ];

    public static void CheckTools() => DiskTools.Require("making a disk image", Tools);

    /// <summary>Writes the disk to the image file <paramref name="output"/>, made as <c>.partial</c> and renamed when whole.</summary>
    public static async Task WriteAsync(string output, DiskLayout layout, string espTree, string rootTree, string workDir, Action<string> log,
        CancellationToken cancel)
    {
        CheckTools();
        var esp = Path.Combine(workDir, "esp.img");
        var root = Path.Combine(workDir, "root.img");
        var partial = output + ".partial";
        File.Delete(esp);
        File.Delete(root);
        File.Delete(partial);
        try
        {
            log("formatting the EFI system partition");
            await Run(cancel, "/usr/sbin/mkfs.vfat", ["-C", "-F", "32", "-n", "QITECH-ESP", "-i", layout.EspVolumeId.ToString("x8", CultureInfo.InvariantCulture),
                "--invariant", esp, (layout.EspBytes / 1024).ToString(CultureInfo.InvariantCulture)]);
            var top = Directory.EnumerateFileSystemEntries(espTree).Order(StringComparer.Ordinal).ToList();
            if (top.Count > 0)
            {
                await Run(cancel, "/usr/bin/mcopy", ["-i", esp, "-s", "-p", "-Q", .. top, "::/"]);
            }
            log($"formatting the root file system ({layout.RootBytes / DiskLayout.MiB} MiB) from the staging tree");
            var repair = InlineDataSizeRepair.Scan(rootTree, cancel);
            if (repair.AllZeros is { } zeros)
            {
                log($"without inline_data: {zeros} holds only zeros, which mkfs.ext4 -d would store empty");
            }
            await Run(cancel, "/usr/sbin/mkfs.ext4", ["-q", "-F", "-O", repair.AllZeros == null ? DiskLayout.RootFeatures : "^inline_data",
                "-b", InlineDataSizeRepair.BlockSize.ToString(CultureInfo.InvariantCulture), "-L", DiskLayout.RootLabel, "-U", layout.RootFileSystem.ToString("D"),
                "-E", $"root_owner=0:0,hash_seed={layout.RootFileSystem:D}", "-d", rootTree, root,
                (layout.RootBytes / 1024).ToString(CultureInfo.InvariantCulture) + "k"]);
            if (repair.AllZeros == null && await InlineDataSizeRepair.RepairAsync(root, repair, cancel) is > 0 and var repaired)
            {
                log($"set the sizes of {repaired} files that end in a block of zeros (mkfs.ext4 -d with inline_data drops that block)");
            }
            log("writing the partition table and both partitions");
            using (var file = new FileStream(partial, FileMode.CreateNew))
            {
                file.SetLength(layout.TotalBytes);
            }
            var sfdisk = await ProcessRunner.RunAsync(new ProcessCommand("/usr/sbin/sfdisk", ["--quiet", "--no-reread", "--no-tell-kernel", partial]) { Input = System.Text.Encoding.UTF8.GetBytes(layout.SfdiskScript()) }, cancel);
            if (sfdisk.ExitCode != 0)
            {
                throw new QiTechOsException($"sfdisk failed on {partial}: {sfdisk.Stderr.Trim()}");
            }
            await Run(cancel, "/usr/bin/dd", [$"if={esp}", $"of={partial}", "bs=1M", $"seek={DiskLayout.EspOffset / DiskLayout.MiB}", "conv=notrunc,sparse", "status=none"]);
            await Run(cancel, "/usr/bin/dd", [$"if={root}", $"of={partial}", "bs=1M", $"seek={layout.RootOffset / DiskLayout.MiB}", "conv=notrunc,sparse", "status=none"]);
            using (var file = new FileStream(partial, FileMode.Open, FileAccess.ReadWrite))
            {
                file.Flush(flushToDisk: true);
            }
            File.Move(partial, output, overwrite: true);
        }
        finally
        {
            File.Delete(esp);
            File.Delete(root);
            File.Delete(partial);
        }
    }

    /// <summary>Runs one of the tools with a fixed clock (file system times) and without mtools' geometry check.</summary>
    private static Task Run(CancellationToken cancel, string program, IEnumerable<string> args) =>
        DiskTools.RunAsync(program, args, cancel, environment: new Dictionary<string, string> { ["MTOOLS_SKIP_CHECK"] = "1", ["E2FSPROGS_FAKE_TIME"] = "315532800" });
}
