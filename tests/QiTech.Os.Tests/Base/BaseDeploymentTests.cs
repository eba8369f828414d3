using QiTech.Os.Base;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Base;

/// <summary>
/// A deployment shares the store's inodes wherever the store's file already is what the base
/// recorded, and copies only where owner, special bits or a capability differ: a second base
/// costs its machine its directories and those few copies, not its big files again.
/// </summary>
public sealed class BaseDeploymentTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-deploy");
    private readonly SystemLayout _layout;
    private readonly StorePath _base;

    public BaseDeploymentTests()
    {
        _layout = new SystemLayout(_temp.Path, new StoreDirectory("/qitech/store"));
        Assert.True(_layout.StoreDir.TryParse(_layout.StoreDir.Path + "/0c6kzph7q0iggmgd81b9j5pbp3m3n5j0-debian-base", out _base, out _));
        var root = _layout.PhysicalPath(_base) + "/" + BaseBuilder.RootDir;
        Directory.CreateDirectory(root + "/usr/bin");
        Directory.CreateDirectory(root + "/usr/lib/udev");
        StoreFile(root + "/usr/bin/plain", executable: true);
        StoreFile(root + "/usr/bin/su", executable: true);
        StoreFile(root + "/usr/lib/udev/hwdb.bin", executable: false);
        File.WriteAllText(_layout.PhysicalPath(_base) + "/" + BaseMetadata.FileName,
            "usr/bin/su\tf\t4755\t0\t0\t-\nusr/lib/udev/hwdb.bin\tf\t0444\t0\t0\t-\n");
    }

    public void Dispose() => _temp.Dispose();

    private static void StoreFile(string path, bool executable)
    {
        File.WriteAllText(path, path);
        File.SetUnixFileMode(path, executable
            ? UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
            : UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    [SkippableFact]
    public void A_file_recorded_as_the_store_already_has_it_is_a_link_and_a_setuid_one_a_copy()
    {
        Skip.IfNot(Posix.IsRoot, "deploying sets owners: needs root");
        Assert.True(new BaseDeployment(_layout).Deploy(_base));

        var store = _layout.PhysicalPath(_base) + "/" + BaseBuilder.RootDir;
        var deployed = new BaseDeployment(_layout).PathOf(_base);
        Assert.Equal(Posix.Stat(store + "/usr/bin/plain").Inode, Posix.Stat(deployed + "/usr/bin/plain").Inode);
        Assert.Equal(Posix.Stat(store + "/usr/lib/udev/hwdb.bin").Inode, Posix.Stat(deployed + "/usr/lib/udev/hwdb.bin").Inode);
        var su = Posix.Stat(deployed + "/usr/bin/su");
        Assert.NotEqual(Posix.Stat(store + "/usr/bin/su").Inode, su.Inode);
        Assert.Equal(0x9EDu, su.Mode & 0xFFFu);
        Assert.Equal(0x16Du, Posix.Stat(store + "/usr/bin/su").Mode & 0xFFFu);
    }
}
