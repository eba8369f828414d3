using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>Bytes a tree occupies that deleting it would free (files linked elsewhere count zero).</summary>
public static class DiskUsage
{
    public static long Of(string path)
    {
        var zpath = Posix.Z(path);
        return Posix.TryStat(Posix.AtFdCwd, zpath, out var st) ? Of(Posix.AtFdCwd, zpath, st, path) : 0;
    }

    // Walks by directory descriptor with raw names: a name that is not UTF-8 (Nix allows any
    // byte but '/' and NUL) would not survive a round trip through a .NET string.
    private static long Of(int dirfd, byte[] zname, Posix.Statx st, string where)
    {
        if (!st.IsDirectory)
        {
            // A file shared with .links (nlink 2) or other paths stays when this path goes;
            // count it only when this is its last store name besides .links.
            return st.IsRegular && st.Nlink > 2 ? 0 : (long)st.Blocks * 512;
        }
        var total = (long)st.Blocks * 512;
        var fd = Posix.TryOpen(dirfd, zname, Posix.ORdOnly | Posix.ODirectory | Posix.ONoFollow | Posix.OCloExec, 0);
        if (fd < 0)
        {
            return total;
        }
        try
        {
            foreach (var name in Posix.ListDirectory(fd, Posix.Z("."u8), where))
            {
                var zchild = Posix.Z(name);
                if (Posix.TryStat(fd, zchild, out var child))
                {
                    total += Of(fd, zchild, child, where);
                }
            }
        }
        finally
        {
            Posix.close(fd);
        }
        return total;
    }
}
