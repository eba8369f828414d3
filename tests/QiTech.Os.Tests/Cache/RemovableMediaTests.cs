using QiTech.Os.Cache;
using QiTech.Os.Nix;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Cache;

/// <summary>Which mounts are removable media: the mount table against the block devices' flags, and a folder root's media folders.</summary>
public sealed class RemovableMediaTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-media");

    public void Dispose() => _temp.Dispose();

    private string Write(string relative, string text)
    {
        var path = _temp.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Mounts_of_removable_disks_and_their_partitions_count_the_fixed_disk_does_not()
    {
        Write("proc/self/mountinfo", """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            40 22 8:17 / /mnt/usb\040stick rw,nosuid shared:20 - vfat /dev/sdb1 rw,fmask=0022
            41 22 8:32 / /mnt/whole rw shared:21 - exfat /dev/sdc rw
            42 22 0:40 / /run/user/1000 rw - tmpfs tmpfs rw
            43 22 8:2 / /data rw - ext4 /dev/sda2 rw

            """);
        Write("sys/block/sda/removable", "0\n");
        Directory.CreateDirectory(_temp.Combine("sys/block/sda/sda1"));
        Write("sys/block/sdb/removable", "1\n");
        Directory.CreateDirectory(_temp.Combine("sys/block/sdb/sdb1"));
        Write("sys/block/sdc/removable", "1\n");
        Directory.CreateDirectory(_temp.Combine("mnt/usb stick"));
        Directory.CreateDirectory(_temp.Combine("mnt/whole"));
        Directory.CreateDirectory(_temp.Combine("media/STICK"));
        Directory.CreateDirectory(_temp.Combine("run/media/operator/CARD"));

        var devices = RemovableMedia.RemovableDevices(_temp.Combine("sys/block"));
        var media = RemovableMedia.Find(new SystemLayout(_temp.Path, new StoreDirectory(StoreDirectory.Default)));

        Assert.Equal(["sdb", "sdb1", "sdc"], devices.Order(StringComparer.Ordinal));
        Assert.Equal(["/mnt/usb stick", "/mnt/whole"], RemovableMedia.MountPoints(_temp.Combine("proc/self/mountinfo"), devices));
        Assert.Equal([_temp.Combine("mnt/usb stick"), _temp.Combine("mnt/whole"), _temp.Combine("media/STICK"), _temp.Combine("run/media/operator/CARD")], media);
    }

    [Fact]
    public void Without_a_mount_table_or_media_folders_there_is_no_medium()
    {
        Assert.Empty(RemovableMedia.Find(new SystemLayout(_temp.Path, new StoreDirectory(StoreDirectory.Default))));
    }
}
