using System.Buffers;
using System.Security.Cryptography;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>What an optimise pass did.</summary>
public sealed record OptimiseResult(long FilesLinked, long BytesSaved);

/// <summary>
/// Shares identical files across the whole store through <c>.links</c>, for paths imported
/// some other way. Each replacement is a link under a temporary name renamed over the file,
/// so a kill at any instant leaves either the old file or the link.
/// </summary>
public sealed class StoreOptimiser(LocalStore store)
{
    public OptimiseResult Optimise(CancellationToken cancel = default)
    {
        using var gcGuard = FileLock.Acquire(store.GcLockPath, exclusive: false);
        long linked = 0, saved = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 18);
        try
        {
            foreach (var path in store.AllValidPaths().Order())
            {
                var physical = store.PhysicalPath(path);
                if (!Posix.TryStat(Posix.AtFdCwd, Posix.Z(physical), out var st))
                {
                    continue;
                }
                if (st.IsRegular)
                {
                    var parent = Path.GetDirectoryName(physical)!;
                    var fd = Posix.Open(Posix.AtFdCwd, Posix.Z(parent), Posix.ORdOnly | Posix.ODirectory, 0, parent);
                    try
                    {
                        Visit(fd, Posix.Z(path.BaseName), physical, st, buffer, ref linked, ref saved, cancel);
                    }
                    finally
                    {
                        Posix.close(fd);
                    }
                }
                else if (st.IsDirectory)
                {
                    Directory(physical, buffer, ref linked, ref saved, cancel);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new OptimiseResult(linked, saved);
    }

    private void Directory(string dir, byte[] buffer, ref long linked, ref long saved, CancellationToken cancel)
    {
        var fd = Posix.Open(Posix.AtFdCwd, Posix.Z(dir), Posix.ORdOnly | Posix.ODirectory | Posix.ONoFollow, 0, dir);
        try
        {
            foreach (var name in Posix.ListDirectory(fd, Posix.Z("."), dir))
            {
                cancel.ThrowIfCancellationRequested();
                var z = Posix.Z(name);
                var where = dir + "/" + Posix.Show(name);
                if (!Posix.TryStat(fd, z, out var st))
                {
                    continue;
                }
                if (st.IsDirectory)
                {
                    Directory(where, buffer, ref linked, ref saved, cancel);
                }
                else if (st.IsRegular)
                {
                    Visit(fd, z, where, st, buffer, ref linked, ref saved, cancel);
                }
            }
        }
        finally
        {
            Posix.close(fd);
        }
    }

    private void Visit(int dirfd, byte[] zname, string where, Posix.Statx st, byte[] buffer, ref long linked, ref long saved, CancellationToken cancel)
    {
        var key = LinksDirectory.Key(HashFile(dirfd, zname, where, buffer), st.IsExecutable);
        var existing = store.Links.Stat(key);
        if (existing == null)
        {
            store.Links.Publish(dirfd, zname, key);
            return;
        }
        if (existing.Value.Inode == st.Inode && existing.Value.Device == st.Device)
        {
            return;
        }
        // Link under a temporary name, then rename over the file: never a moment without it.
        var temp = Posix.Z($".optimise-{Environment.ProcessId}-{Guid.NewGuid():N}");
        // Root may write anyway; others need the write bit for a moment.
        if (!Posix.IsRoot)
        {
            Posix.Fchmod(dirfd, Posix.Mode0755);
        }
        try
        {
            if (!store.Links.TryLinkExisting(key, dirfd, temp))
            {
                return;
            }
            FaultInjection.Point("optimise-before-rename");
            if (!Posix.RenameAt(dirfd, temp, dirfd, zname))
            {
                Posix.UnlinkAt(dirfd, temp, false);
                throw Posix.Error("cannot replace with a link", where);
            }
        }
        finally
        {
            // Back to canonical: the rename touched the directory's mode bits or its mtime.
            Posix.Fchmod(dirfd, Posix.Mode0555);
            Posix.SetTimes(dirfd, 1);
        }
        linked++;
        if (st.Nlink == 1)
        {
            saved += (long)st.Blocks * 512;
        }
    }

    private static Sha256Digest HashFile(int dirfd, byte[] zname, string where, byte[] buffer)
    {
        var fd = Posix.Open(dirfd, zname, Posix.ORdOnly | Posix.ONoFollow, 0, where);
        using var handle = Posix.Handle(fd);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long offset = 0;
        int n;
        while ((n = RandomAccess.Read(handle, buffer, offset)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            offset += n;
        }
        return new Sha256Digest(hash.GetHashAndReset());
    }
}
