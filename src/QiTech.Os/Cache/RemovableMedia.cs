using System.Text;
using QiTech.Os.Store;

namespace QiTech.Os.Cache;

/// <summary>
/// Where removable media (a USB stick) are mounted: every mount in the root's
/// <c>/proc/self/mountinfo</c> whose device is a disk <c>/sys/block</c> marks removable (or
/// reaches over USB) or a partition of one. A folder root (embedded mode, tests) has no
/// mount table of its own: there every folder in <c>R/media</c> and <c>R/run/media/USER</c>
/// counts as a mounted medium, where desktop automounters put them.
/// </summary>
public static class RemovableMedia
{
    /// <summary>Physical folders, each the top of one medium, in order.</summary>
    public static IReadOnlyList<string> Find(SystemLayout layout)
    {
        var removable = RemovableDevices(layout.Physical("/sys/block"));
        var found = MountPoints(layout.Physical("/proc/self/mountinfo"), removable).Select(layout.Physical).ToList();
        if (layout.Root != "/")
        {
            found.AddRange(Folders(layout.Physical("/media")));
            found.AddRange(Folders(layout.Physical("/run/media")).SelectMany(Folders));
        }
        return [.. found.Where(Directory.Exists).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Mount points (as the mount table writes them) of the devices named in <paramref name="devices"/>.</summary>
    public static IReadOnlyList<string> MountPoints(string mountInfo, IReadOnlySet<string> devices)
    {
        if (devices.Count == 0 || !File.Exists(mountInfo))
        {
            return [];
        }
        var points = new List<string>();
        foreach (var line in File.ReadLines(mountInfo))
        {
            // "36 35 98:0 /root /mnt/usb rw,noatime shared:1 - vfat /dev/sdb1 rw": after " - " come the type and the source.
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 5 || separator + 2 >= fields.Length)
            {
                continue;
            }
            var source = fields[separator + 2];
            if (source.StartsWith("/dev/", StringComparison.Ordinal) && devices.Contains(Path.GetFileName(source)))
            {
                points.Add(Unescape(fields[4]));
            }
        }
        return points;
    }

    /// <summary>Names of removable disks and their partitions (<c>sdb</c>, <c>sdb1</c>).</summary>
    public static IReadOnlySet<string> RemovableDevices(string sysBlock)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(sysBlock))
        {
            return names;
        }
        foreach (var disk in Directory.EnumerateFileSystemEntries(sysBlock))
        {
            var flag = Path.Combine(disk, "removable");
            var marked = File.Exists(flag) && File.ReadAllText(flag).Trim() == "1";
            // Many USB disks say removable=0; the device's place in the bus tree tells.
            var overUsb = new DirectoryInfo(disk).LinkTarget?.Contains("/usb", StringComparison.Ordinal) == true;
            if (!marked && !overUsb)
            {
                continue;
            }
            var name = Path.GetFileName(disk);
            names.Add(name);
            foreach (var partition in Directory.EnumerateDirectories(disk, name + "*"))
            {
                names.Add(Path.GetFileName(partition));
            }
        }
        return names;
    }

    private static IEnumerable<string> Folders(string dir) =>
        Directory.Exists(dir) ? Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal) : [];

    /// <summary>The mount table writes space, tab, newline and backslash as octal escapes (<c>\040</c>).</summary>
    private static string Unescape(string field)
    {
        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }
        return text.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s[at] is >= '0' and <= '7' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
