using System.Globalization;
using QiTech.Os.Errors;

namespace QiTech.Os.Image;

/// <summary>
/// A whole disk to install onto (<c>/dev/sdb</c>, <c>/dev/nvme0n1</c>), as the kernel shows it
/// under /sys/class/block: its size and its partitions, and whether any of them is in use
/// (mounted, or swap) — an install refuses such a disk.
/// </summary>
public sealed record BlockDevice(string Path, string Name, long SizeBytes, IReadOnlyList<string> Partitions)
{
    public static BlockDevice Open(string path)
    {
        var real = System.IO.Path.GetFullPath(new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path);
        var name = System.IO.Path.GetFileName(real);
        var sys = "/sys/class/block/" + name;
        if (!real.StartsWith("/dev/", StringComparison.Ordinal) || !Directory.Exists(sys))
        {
            throw new BadInputException($"--disk {path}: not a block device");
        }
        if (File.Exists(sys + "/partition"))
        {
            throw new BadInputException($"--disk {path}: a partition; give the whole disk");
        }
        var sectors = long.Parse(File.ReadAllText(sys + "/size").Trim(), CultureInfo.InvariantCulture);
        var partitions = Directory.EnumerateDirectories(sys).Select(System.IO.Path.GetFileName).OfType<string>()
            .Where(p => File.Exists($"{sys}/{p}/partition")).Order(StringComparer.Ordinal).ToList();
        return new BlockDevice(real, name, sectors * 512, partitions);
    }

    /// <summary>Where the disk or one of its partitions is in use ("/dev/vdb2 on /mnt"), empty when it is free.</summary>
    public IReadOnlyList<string> Uses()
    {
        var names = Partitions.Append(Name).Select(n => "/dev/" + n).ToHashSet(StringComparer.Ordinal);
        var uses = new List<string>();
        foreach (var line in File.ReadAllLines("/proc/self/mountinfo"))
        {
            // ... mount point is field 5; the source follows the " - fstype " separator.
            var parts = line.Split(' ');
            var dash = Array.IndexOf(parts, "-");
            if (dash > 0 && dash + 2 < parts.Length && names.Contains(Resolve(parts[dash + 2])))
            {
                uses.Add($"{Resolve(parts[dash + 2])} is mounted on {parts[4]}");
            }
        }
        foreach (var line in File.ReadAllLines("/proc/swaps").Skip(1))
        {
            var device = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (device != null && names.Contains(Resolve(device)))
            {
                uses.Add($"{device} is swap");
            }
        }
        foreach (var holder in Partitions.Append(Name).SelectMany(n => Directory.Exists($"/sys/class/block/{n}/holders")
            ? Directory.EnumerateFileSystemEntries($"/sys/class/block/{n}/holders").Select(h => $"/dev/{n} is held by {System.IO.Path.GetFileName(h)}")
            : []))
        {
            uses.Add(holder);
        }
        return uses;
    }

    private static string Resolve(string device) =>
        device.StartsWith("/dev/", StringComparison.Ordinal) && File.Exists(device)
            ? new FileInfo(device).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? device
            : device;
}
