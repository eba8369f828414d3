namespace QiTech.Os.Platform;

/// <summary>Deletes a tree, making read-only store directories writable first.</summary>
public static class TreeRemover
{
    public static void Remove(string path)
    {
        if (!Posix.TryStat(Posix.AtFdCwd, Posix.Z(path), out var st))
        {
            return;
        }
        if (st.IsDirectory)
        {
            var parent = Path.GetDirectoryName(path) ?? "/";
            var parentFd = Posix.TryOpen(Posix.AtFdCwd, Posix.Z(parent), Posix.ORdOnly | Posix.ODirectory, 0);
            if (parentFd < 0)
            {
                throw Posix.Error("cannot open", parent);
            }
            try
            {
                RemoveAt(parentFd, Posix.Z(Path.GetFileName(path)), path);
            }
            finally
            {
                Posix.close(parentFd);
            }
        }
        else if (!Posix.UnlinkAt(Posix.AtFdCwd, Posix.Z(path), false) && Posix.LastErrno != Posix.ENOENT)
        {
            throw Posix.Error("cannot delete", path);
        }
    }

    /// <summary>Removes entry <paramref name="zname"/> of the directory open as <paramref name="dirfd"/>.</summary>
    internal static void RemoveAt(int dirfd, byte[] zname, string where)
    {
        if (!Posix.TryStat(dirfd, zname, out var st))
        {
            return;
        }
        if (st.IsDirectory)
        {
            Posix.ChmodAt(dirfd, zname, Posix.Mode0755);
            var fd = Posix.Open(dirfd, zname, Posix.ORdOnly | Posix.ODirectory | Posix.ONoFollow, 0, where);
            try
            {
                foreach (var name in Posix.ListDirectory(fd, Posix.Z("."), where))
                {
                    RemoveAt(fd, Posix.Z(name), where + "/" + Posix.Show(name));
                }
            }
            finally
            {
                Posix.close(fd);
            }
        }
        if (!Posix.UnlinkAt(dirfd, zname, st.IsDirectory) && Posix.LastErrno != Posix.ENOENT)
        {
            throw Posix.Error("cannot delete", where);
        }
    }
}
