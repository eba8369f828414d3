using System.Runtime.InteropServices;
namespace QiTech.Os.Daemon;

/// <summary>
/// Who may change the system: root, the daemon's own user (embedded mode runs as a normal
/// user who owns the root), and members of the configured group (primary or supplementary,
/// as the peer process holds them now). Everyone else may only read.
/// </summary>
public sealed partial class AccessPolicy(string group)
{
    public string Group { get; } = group;

    public bool MayChange(PeerCredentials peer)
    {
        if (peer.Uid == 0 || peer.Uid == geteuid())
        {
            return true;
        }
        var gid = GroupId(Group);
        return gid != null && (peer.Gid == gid || SupplementaryGroups(peer.Pid).Contains(gid.Value));
    }

    /// <summary>The id of <paramref name="name"/> as the system's group database (NSS) knows it.</summary>
    public static unsafe uint? GroupId(string name)
    {
        var entry = getgrnam(name);
        return entry == null ? null : entry->Gid;
    }

    private static HashSet<uint> SupplementaryGroups(int pid)
    {
        var groups = new HashSet<uint>();
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("Groups:", StringComparison.Ordinal))
                {
                    foreach (var field in line[7..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (uint.TryParse(field, out var g))
                        {
                            groups.Add(g);
                        }
                    }
                }
            }
        }
        catch (IOException)
        {
            // The peer is gone: no extra rights.
        }
        return groups;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct GroupEntry
    {
        public nint Name;
        public nint Password;
        public uint Gid;
        public nint Members;
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial GroupEntry* getgrnam(string name);
}
