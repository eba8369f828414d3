using QiTech.Os.Activation;
using QiTech.Os.Build;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Base;

/// <summary>
/// Builds a Debian base into the store from its lock: the pinned .debs are fetched as
/// fixed-output paths into an offline mirror (<see cref="PinnedBase"/>), mmdebstrap makes the
/// root tree from them alone in the sandbox with no network (<see cref="BaseTreeBuilder"/>),
/// owners, special modes, capabilities and device nodes are recorded in <c>metadata</c> and
/// the special files left out, and the result is registered under the lock's path:
/// <code>
/// &lt;base&gt;/root/…      the Debian tree, canonical as every store path
/// &lt;base&gt;/metadata    what the store cannot hold (<see cref="BaseMetadata"/>)
/// &lt;base&gt;/packages    "name version architecture" of every installed package
/// &lt;base&gt;/kernel      → root/boot/vmlinuz-&lt;version&gt;
/// &lt;base&gt;/initrd      → root/boot/initrd.img-&lt;version&gt;
/// </code>
/// Import deduplication makes two bases that share files share them on disk.
/// </summary>
public static class BaseBuilder
{
    public const string RootDir = "root";
    public const string PackagesFile = "packages";

    /// <summary>Where the customize hook leaves the installed package list inside the tree, moved out before import.</summary>
    private const string PackagesInTree = "qitech-base-packages";

    /// <summary>/etc/fstab before the kernel's initramfs is made: initramfs-tools adds fsck.ext4 only for a root it finds there.</summary>
    private const string FstabHook = "mkdir -p \"$1/etc\" && printf '/dev/root / ext4 rw,errors=remount-ro 0 1\\n' > \"$1/etc/fstab\"";

    private const string PackagesHook =
        "chroot \"$1\" dpkg-query -W -f '${Package} ${Version} ${Architecture}\\n' | LC_ALL=C sort > \"$1/" + PackagesInTree + "\"";

    /// <summary>Builds the base of <paramref name="baseLock"/> unless the store has it; returns its path.</summary>
    public static async Task<StorePath> BuildAsync(LocalStore store, BaseLock baseLock, Action<string> log, CancellationToken cancel)
    {
        var output = BaseDerivation.OutputOf(BaseDerivation.Create(baseLock), store.Layout.StoreDir);
        if (store.IsValid(output))
        {
            return output;
        }
        if (!Posix.IsRoot)
        {
            throw new BuildException($"building {store.Render(output)} needs root: mmdebstrap sets the owners and device nodes the base records");
        }
        using var unrooted = store.HoldOffGarbageCollection();
        var (mirror, downloaded) = await PinnedBase.FetchMirrorAsync(store, baseLock, log, cancel);
        log($"{baseLock.Packages.Count} pinned .debs in the store ({downloaded} downloaded); building {store.Render(output)} offline with mmdebstrap");
        using var work = TempTree.Create(store.TmpDir, store.Links);
        var root = work.Path + "/" + RootDir;
        var tree = new BaseTreeBuilder(store)
        {
            Log = new LineProgress(log),
            ExtraOptions = ["--setup-hook=" + FstabHook, "--customize-hook=" + PackagesHook],
        };
        await tree.BuildAsync(baseLock.Request, mirror, root, cancel);
        cancel.ThrowIfCancellationRequested();
        File.Move(root + "/" + PackagesInTree, work.Path + "/" + PackagesFile);
        var metadata = BaseMetadata.Scan(root);
        foreach (var special in metadata.Entries.Where(e => e.IsSpecial))
        {
            File.Delete(root + "/" + special.Path);
        }
        File.WriteAllText(work.Path + "/" + BaseMetadata.FileName, metadata.ToText());
        var (kernel, initrd) = KernelOf(root);
        File.CreateSymbolicLink(work.Path + "/kernel", RootDir + "/boot/" + kernel);
        File.CreateSymbolicLink(work.Path + "/initrd", RootDir + "/boot/" + initrd);
        log($"importing the base into the store ({metadata.Entries.Count()} entries recorded in metadata)");
        var outTree = work.Path + "/out";
        Directory.CreateDirectory(outTree);
        Directory.Move(root, outTree + "/" + RootDir);
        foreach (var name in new[] { BaseMetadata.FileName, PackagesFile, "kernel", "initrd" })
        {
            File.Move(work.Path + "/" + name, outTree + "/" + name);
        }
        BuildOutputRegistrar.Register(store, output, outTree, deriver: null, referenceCandidates: [], contentAddress: null, cancel);
        return output;
    }

    /// <summary>The one kernel the base installed and its initrd, as names under root/boot.</summary>
    private static (string Kernel, string Initrd) KernelOf(string root)
    {
        var kernels = Directory.Exists(root + "/boot")
            ? Directory.EnumerateFiles(root + "/boot", "vmlinuz-*").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
        if (kernels.Count != 1)
        {
            throw new BuildException($"a base needs exactly one kernel in /boot (declare linux-image-amd64), found {kernels.Count}");
        }
        var initrd = "initrd.img-" + kernels[0]["vmlinuz-".Length..];
        return File.Exists(root + "/boot/" + initrd)
            ? (kernels[0], initrd)
            : throw new BuildException($"the base's kernel {kernels[0]} has no {initrd} (declare initramfs-tools)");
    }
}
