using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>Bytes a tree occupies that deleting it would free (files linked elsewhere count zero).</summary>
public static class DiskUsage
{
    public static long Of(string path)
    {
        if (!Posix.TryStat(Posix.AtFdCwd, Posix.Z(path), out var st))
        {
            return 0;
        }
        if (st.IsDirectory)
        {
            long total = (long)st.Blocks * 512;
            foreach (var entry in Directory.EnumerateFileSystemEntries(path))
            {
                total += Of(entry);
            }
            return total;
        }
        // A file shared with .links (nlink 2) or other paths stays when this path goes;
        // count it only when this is its last store name besides .links.
        return st.IsRegular && st.Nlink > 2 ? 0 : (long)st.Blocks * 512;
    }
}
