using System.IO.Pipes;
using QiTech.Os.Activation;
using QiTech.Os.Base;
using QiTech.Os.Errors;
using QiTech.Os.Generations;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Image;

/// <summary>
/// A bootable disk image of a whole-OS system (one with a base). The machine's root is
/// staged as a folder: a store holding the system's closure (copied path by path and checked
/// by hash), the system as generation 1 and boot default, the base's deployment, the root's
/// top-level folders and links as the base has them, and an /etc holding only the machine's
/// fstab (the first boot's stage-2 init links the rest). The boot entries the generation got
/// become the ESP with systemd-boot; <see cref="DiskImageWriter"/> makes the disk.
/// </summary>
public static class ImageBuilder
{
    public const string SystemdBootInBase = BaseBuilder.RootDir + "/usr/lib/systemd/boot/efi/systemd-bootx64.efi";

    /// <summary>Writes the disk of <paramref name="system"/> to an image file.</summary>
    public static async Task BuildAsync(LocalStore store, StorePath system, string output, DiskLayout disk, Action<string> log, CancellationToken cancel)
    {
        var basePath = BaseDeployment.BaseOf(store.Layout, system)
            ?? throw new BadInputException($"{store.Render(system)} has no base: an image needs a whole system (system.base.enable: true)");
        DiskImageWriter.CheckTools();
        if (!Posix.IsRoot)
        {
            throw new QiTechOsException("making a disk image needs root: the root file system keeps the base's owners");
        }
        var outputDir = Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (!Directory.Exists(outputDir))
        {
            throw new BadInputException($"--out {output}: no folder {outputDir}");
        }
        var work = Path.Combine(outputDir, $".{Path.GetFileName(output)}.work-{Environment.ProcessId}");
        TreeRemover.Remove(work);
        try
        {
            var staging = work + "/root";
            var esp = work + "/esp";
            await StageAsync(store, system, basePath, staging, disk, log, cancel);
            log("preparing the EFI system partition");
            Directory.Move(staging + "/boot", esp);
            Directory.CreateDirectory(staging + "/boot");
            InstallBootLoader(store, basePath, esp);
            await DiskImageWriter.WriteAsync(output, disk, esp, staging, work, log, cancel);
        }
        finally
        {
            TreeRemover.Remove(work);
        }
    }

    /// <summary>systemd-boot from the base onto the ESP, as the firmware's fallback loader and under its own name.</summary>
    public static void InstallBootLoader(LocalStore store, StorePath basePath, string esp)
    {
        var systemdBoot = store.PhysicalPath(basePath) + "/" + SystemdBootInBase;
        if (!File.Exists(systemdBoot))
        {
            throw new QiTechOsException($"{store.Render(basePath)} has no systemd-boot ({SystemdBootInBase}): declare the package systemd-boot");
        }
        Directory.CreateDirectory(esp + "/EFI/BOOT");
        Directory.CreateDirectory(esp + "/EFI/systemd");
        File.Copy(systemdBoot, esp + "/EFI/BOOT/BOOTX64.EFI", overwrite: true);
        File.Copy(systemdBoot, esp + "/EFI/systemd/systemd-bootx64.efi", overwrite: true);
    }

    /// <summary>The machine's root as a folder (a staging folder, or a mounted new root): store, generation 1, deployment, top level, fstab.</summary>
    public static async Task StageAsync(LocalStore store, StorePath system, StorePath basePath, string staging, DiskLayout disk, Action<string> log, CancellationToken cancel)
    {
        var layout = new SystemLayout(staging, store.Layout.StoreDir);
        Directory.CreateDirectory(staging);
        using (var target = LocalStore.Open(layout))
        {
            log($"copying the closure of {store.Render(system)} ({store.Closure([system]).Count} store paths)");
            CopyClosure(store, target, system, cancel);
            Directory.CreateDirectory(layout.StateDir);
            File.WriteAllText(layout.RootDeviceFile, disk.RootDevice + "\n");
            log("adding the system as generation 1, the boot default");
            var manager = new SystemManager(layout, new LocalStoreReader(target), services: null);
            await manager.ActivateAsync(ActivationMode.Boot, new ActivationTarget.Path(system), null, cancel);
        }
        log($"deploying the base {store.Render(basePath)}");
        new BaseDeployment(layout).Deploy(basePath, cancel);
        TopLevel(store.PhysicalPath(basePath) + "/" + BaseBuilder.RootDir, staging, BaseMetadata.Read(store.PhysicalPath(basePath) + "/" + BaseMetadata.FileName));
        Directory.CreateDirectory(staging + "/etc");
        File.WriteAllText(staging + "/etc/fstab",
            "# The machine's own file systems, written when it was installed.\n"
            + $"{disk.RootDevice} / ext4 rw,errors=remount-ro,x-systemd.growfs 0 1\n"
            // Not nofail: that would leave /boot unordered against local-fs.target, and
            // systemd-bless-boot (after local-fs.target) would find no boot partition to bless.
            + $"{disk.EspDevice} /boot vfat umask=0077 0 2\n");
    }

    /// <summary>Streams the closure from one store into the other: the importer checks every path's hash.</summary>
    private static void CopyClosure(LocalStore from, LocalStore to, StorePath system, CancellationToken cancel)
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        var export = Task.Run(() =>
        {
            try
            {
                new StoreTransfer(from).Export([system], server, cancel);
            }
            finally
            {
                server.Dispose();
            }
        }, cancel);
        try
        {
            new StoreTransfer(to).Import(client, cancel);
        }
        finally
        {
            client.Dispose();
            try
            {
                export.GetAwaiter().GetResult();
            }
            catch (IOException)
            {
                // The import failed first and closed the pipe: its error is the one to report.
            }
        }
    }

    /// <summary>The root's own folders and links (/bin → usr/bin, /tmp 1777, /root 0700…), empty, as the base has them; /usr is the mount point of the deployment.</summary>
    private static void TopLevel(string baseRoot, string staging, BaseMetadata metadata)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(baseRoot).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(entry);
            var target = staging + "/" + name;
            var st = Posix.Stat(entry);
            if (st.IsSymlink)
            {
                File.CreateSymbolicLink(target, Posix.Show(Posix.ReadLink(Posix.AtFdCwd, Posix.Z(entry), entry)));
            }
            else if (st.IsDirectory && name is not ("etc" or "var" or "boot"))
            {
                Directory.CreateDirectory(target);
                var recorded = metadata.Of(name);
                Posix.ChmodAt(Posix.AtFdCwd, Posix.Z(target), recorded?.Mode ?? Posix.Mode0755);
                if (recorded != null)
                {
                    Posix.Chown(target, recorded.Uid, recorded.Gid);
                }
            }
        }
        Directory.CreateDirectory(staging + "/var");
        Directory.CreateDirectory(staging + "/boot");
    }
}
