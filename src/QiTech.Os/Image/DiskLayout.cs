using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace QiTech.Os.Image;

/// <summary>
/// The partitions of a QiTech Control OS disk: a GPT with the EFI system partition (mounted
/// on /boot, systemd-boot and the generations' kernels) and the root (ext4, the store and
/// everything else), named <c>qitech-esp</c> and <c>qitech-root</c>, sizes in whole MiB.
/// </summary>
public sealed record DiskLayout(long TotalBytes, long EspBytes, Guid DiskId, Guid EspPartition, Guid RootPartition, Guid RootFileSystem, uint EspVolumeId)
{
    public const long MiB = 1024 * 1024;
    public const long DefaultEspBytes = 256 * MiB;
    public const string EspType = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";

    /// <summary>The Discoverable Partitions Specification's root type for x86-64, which systemd-repart grows.</summary>
    public const string RootType = "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709";

    public const string EspLabel = "qitech-esp";
    public const string RootLabel = "qitech-root";

    /// <summary>
    /// Small directories live inside their inodes: every base deployment and base store path
    /// is some 4,300 directories, which would otherwise cost a 4 KiB block each (17 MB a base).
    /// </summary>
    public const string RootFeatures = "inline_data";

    /// <summary>The GPT and its first-partition alignment before the ESP.</summary>
    public const long EspOffset = MiB;

    public long RootOffset => EspOffset + EspBytes;

    /// <summary>The root fills the disk but the last MiB (the backup GPT).</summary>
    public long RootBytes => TotalBytes - RootOffset - MiB;

    /// <summary>What the kernel's <c>root=</c> and /etc/fstab name the root by.</summary>
    public string RootDevice => "PARTUUID=" + RootPartition.ToString("D");

    public string EspDevice => "PARTUUID=" + EspPartition.ToString("D");

    /// <summary>Identifiers derived from <paramref name="seed"/>, so one system gives one image, byte for byte where the tools allow.</summary>
    public static DiskLayout Derived(long totalBytes, string seed) =>
        new(totalBytes, DefaultEspBytes, Id(seed, "disk"), Id(seed, "esp"), Id(seed, "root"), Id(seed, "root-fs"),
            BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(seed + ":esp-volume")), 0));

    /// <summary>Fresh identifiers: a machine installed from this system next to another must not share them.</summary>
    public static DiskLayout Fresh(long totalBytes) =>
        new(totalBytes, DefaultEspBytes, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), (uint)Random.Shared.NextInt64(uint.MaxValue));

    private static Guid Id(string seed, string what)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(seed + ":" + what))[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 layout, as random ones
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>The sfdisk script of this layout.</summary>
    public string SfdiskScript()
    {
        const long sector = 512;
        return string.Create(CultureInfo.InvariantCulture, $"""
            label: gpt
            label-id: {DiskId:D}
            first-lba: 2048
            start={EspOffset / sector}, size={EspBytes / sector}, type={EspType}, uuid={EspPartition:D}, name="{EspLabel}"
            start={RootOffset / sector}, size={RootBytes / sector}, type={RootType}, uuid={RootPartition:D}, name="{RootLabel}"

            """);
    }
}
