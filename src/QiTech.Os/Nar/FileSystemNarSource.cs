using System.Buffers;
using QiTech.Os.Errors;
using QiTech.Os.Platform;

namespace QiTech.Os.Nar;

/// <summary>
/// Walks a file, symlink or directory tree and feeds it to an <see cref="INarSink"/>. Names
/// are raw bytes; directories are opened relative to their parent's descriptor; file
/// contents stream through one pooled buffer.
/// </summary>
public static class FileSystemNarSource
{
    private const int ChunkSize = 256 * 1024;

    /// <summary>Reads <paramref name="path"/> into <paramref name="sink"/>. Throws <see cref="BadInputException"/> for anything NAR cannot hold.</summary>
    public static void Read(string path, INarSink sink, CancellationToken cancel = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var z = Posix.Z(path);
            if (!Posix.TryStat(Posix.AtFdCwd, z, out var st))
            {
                throw new BadInputException($"{path}: {(Posix.LastErrno == Posix.ENOENT ? "no such file or directory" : "cannot be read")}");
            }
            Node(Posix.AtFdCwd, z, path, st, sink, buffer, cancel);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Node(int dirfd, byte[] zname, string where, Posix.Statx st, INarSink sink, byte[] buffer, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        if (st.IsRegular)
        {
            Regular(dirfd, zname, where, st, sink, buffer);
        }
        else if (st.IsSymlink)
        {
            sink.Symlink(Posix.ReadLink(dirfd, zname, where));
        }
        else if (st.IsDirectory)
        {
            Directory(dirfd, zname, where, sink, buffer, cancel);
        }
        else
        {
            throw new BadInputException($"{where}: is a {KindOf(st)}; only regular files, directories and symlinks can be archived");
        }
    }

    private static void Regular(int dirfd, byte[] zname, string where, Posix.Statx st, INarSink sink, byte[] buffer)
    {
        var fd = Posix.TryOpen(dirfd, zname, Posix.ORdOnly | Posix.ONoFollow, 0);
        if (fd < 0)
        {
            throw new BadInputException($"{where}: cannot be read ({Posix.Error("open", where).Message.Split(": ").Last()})");
        }
        using var handle = Posix.Handle(fd);
        sink.BeginRegular(st.IsExecutable, (long)st.Size);
        long offset = 0;
        while (offset < (long)st.Size)
        {
            var want = (int)Math.Min(buffer.Length, (long)st.Size - offset);
            var n = RandomAccess.Read(handle, buffer.AsSpan(0, want), offset);
            if (n == 0)
            {
                throw new QiTechOsException($"{where}: file shrank while it was being read");
            }
            sink.Data(buffer.AsSpan(0, n));
            offset += n;
        }
        sink.EndRegular();
    }

    private static void Directory(int dirfd, byte[] zname, string where, INarSink sink, byte[] buffer, CancellationToken cancel)
    {
        var fd = Posix.TryOpen(dirfd, zname, Posix.ORdOnly | Posix.ODirectory | Posix.ONoFollow, 0);
        if (fd < 0)
        {
            throw new BadInputException($"{where}: directory cannot be read");
        }
        try
        {
            List<byte[]> names;
            try
            {
                names = Posix.ListDirectory(fd, Posix.Z("."), where);
            }
            catch (IOException e)
            {
                throw new BadInputException(e.Message);
            }
            sink.BeginDirectory();
            foreach (var name in names)
            {
                var zchild = Posix.Z(name);
                var childWhere = where.TrimEnd('/') + "/" + Posix.Show(name);
                if (!Posix.TryStat(fd, zchild, out var st))
                {
                    throw new BadInputException($"{childWhere}: cannot be read");
                }
                sink.BeginEntry(name);
                Node(fd, zchild, childWhere, st, sink, buffer, cancel);
                sink.EndEntry();
            }
            sink.EndDirectory();
        }
        finally
        {
            Posix.close(fd);
        }
    }

    private static string KindOf(Posix.Statx st) => (st.Mode & Posix.SIfMt) switch
    {
        0xC000 => "socket",
        0x6000 => "block device",
        0x2000 => "character device",
        0x1000 => "fifo",
        _ => "file of unknown type",
    };
}
