using System.Runtime.InteropServices;

namespace QiTech.Os.Access;

/// <summary>
/// Group memberships as the system knows them: a process's current groups from /proc, a
/// user's from the group database (NSS: <c>getpwuid_r</c>, <c>getgrouplist</c>), as
/// <c>id</c> shows them.
/// </summary>
internal static unsafe partial class UserGroups
{
    private const int ERANGE = 34;

    /// <summary>The id of group <paramref name="name"/>, or null when the group database has none.</summary>
    public static uint? GroupId(string name)
    {
        var nameBytes = Platform.Posix.Z(name);
        for (var size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            GroupEntry entry;
            GroupEntry* result;
            int rc;
            fixed (byte* n = nameBytes)
            fixed (byte* b = buffer)
            {
                rc = getgrnam_r(n, &entry, b, (nuint)size, &result);
            }
            if (rc != ERANGE)
            {
                return rc == 0 && result != null ? entry.Gid : null;
            }
        }
        return null;
    }

    /// <summary>The primary and supplementary groups process <paramref name="pid"/> holds now; null when it is gone.</summary>
    public static HashSet<uint>? OfProcess(int pid)
    {
        var groups = new HashSet<uint>();
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                // "Gid:" lists real, effective, saved and file-system gid; "Groups:" the supplementary ones.
                if (line.StartsWith("Groups:", StringComparison.Ordinal) || line.StartsWith("Gid:", StringComparison.Ordinal))
                {
                    foreach (var field in line[(line.IndexOf(':') + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (uint.TryParse(field, out var g))
                        {
                            groups.Add(g);
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return groups;
    }

    /// <summary>The primary group and every group the group database lists <paramref name="uid"/> in; empty for an unknown uid.</summary>
    public static HashSet<uint> OfUser(uint uid)
    {
        for (var size = 1024; size <= 1 << 20; size *= 4)
        {
            var buffer = new byte[size];
            PasswdEntry entry;
            PasswdEntry* result;
            int rc;
            fixed (byte* b = buffer)
            {
                rc = getpwuid_r(uid, &entry, b, (nuint)size, &result);
                if (rc == 0)
                {
                    return result == null ? [] : GroupList(entry.Name, entry.Gid);
                }
            }
            if (rc != ERANGE)
            {
                return [];
            }
        }
        return [];
    }

    private static HashSet<uint> GroupList(byte* user, uint primary)
    {
        var count = 64;
        while (true)
        {
            var groups = new uint[count];
            var n = count;
            int rc;
            fixed (uint* g = groups)
            {
                rc = getgrouplist(user, primary, g, &n);
            }
            if (rc >= 0)
            {
                return [.. groups.AsSpan(0, n)];
            }
            if (n <= count)
            {
                return [primary];
            }
            count = n;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct GroupEntry
    {
        public byte* Name;
        public byte* Password;
        public uint Gid;
        public byte** Members;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PasswdEntry
    {
        public byte* Name;
        public byte* Password;
        public uint Uid;
        public uint Gid;
        public byte* Gecos;
        public byte* Home;
        public byte* Shell;
    }

    [LibraryImport("libc")]
    private static partial int getgrnam_r(byte* name, GroupEntry* entry, byte* buffer, nuint size, GroupEntry** result);

    [LibraryImport("libc")]
    private static partial int getpwuid_r(uint uid, PasswdEntry* entry, byte* buffer, nuint size, PasswdEntry** result);

    [LibraryImport("libc")]
    private static partial int getgrouplist(byte* user, uint group, uint* groups, int* count);
}
