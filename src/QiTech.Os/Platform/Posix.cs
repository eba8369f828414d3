using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace QiTech.Os.Platform;

/// <summary>
/// The few Linux calls .NET does not expose with raw-byte names: Nix accepts any byte but
/// '/' and NUL in a file name, so trees are walked with directory descriptors and byte names.
/// </summary>
internal static unsafe partial class Posix
{
    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtRemoveDir = 0x200;
    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ONoFollow = 0x20000;
    public const int ODirectory = 0x10000;
    public const int OCloExec = 0x80000;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EXDEV = 18;
    public const int EEXIST = 17;
    public const int EINVAL = 22;
    public const int EMLINK = 31;
    public const int ENOSYS = 38;
    public const int ENOTEMPTY = 39;
    public const int EOPNOTSUPP = 95;
    public const int LockSh = 1;
    public const int LockEx = 2;
    public const int LockNb = 4;
    public const int LockUn = 8;

    // File modes, written in octal in comments: C# has no octal literals.
    public const uint Mode0777 = 0x1FF; // rwxrwxrwx
    public const uint Mode0666 = 0x1B6; // rw-rw-rw-
    public const uint Mode0755 = 0x1ED; // rwxr-xr-x
    public const uint Mode0555 = 0x16D; // r-xr-xr-x
    public const uint Mode0444 = 0x124; // r--r--r--
    public const uint Mode0600 = 0x180; // rw-------

    public const uint SIfMt = 0xF000;
    public const uint SIfReg = 0x8000;
    public const uint SIfDir = 0x4000;
    public const uint SIfLnk = 0xA000;

    [StructLayout(LayoutKind.Sequential)]
    public struct StatxTimestamp
    {
        public long Seconds;
        public uint Nanoseconds;
        private readonly int _reserved;
    }

    /// <summary>struct statx: the same layout on every Linux architecture.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct Statx
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint Nlink;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        private readonly ushort _pad;
        public ulong Inode;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public StatxTimestamp Atime;
        public StatxTimestamp Btime;
        public StatxTimestamp Ctime;
        public StatxTimestamp Mtime;
        public uint RdevMajor;
        public uint RdevMinor;
        public uint DevMajor;
        public uint DevMinor;

        public readonly uint Type => Mode & SIfMt;
        public readonly bool IsRegular => Type == SIfReg;
        public readonly bool IsDirectory => Type == SIfDir;
        public readonly bool IsSymlink => Type == SIfLnk;
        public readonly bool IsExecutable => (Mode & 0x40) != 0;
        public readonly ulong Device => ((ulong)DevMajor << 32) | DevMinor;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int statx(int dirfd, byte* path, int flags, uint mask, Statx* buf);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int openat(int dirfd, byte* path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int lchown(byte* path, uint owner, uint group);

    /// <summary>Gives a path (never a link's target) to an owner; throws naming the path.</summary>
    public static void Chown(string path, uint owner, uint group)
    {
        fixed (byte* p = Z(path))
        {
            if (lchown(p, owner, group) != 0)
            {
                throw Error("cannot change owner", path);
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint fdopendir(int fd);

    [LibraryImport("libc", EntryPoint = "readdir64", SetLastError = true)]
    private static partial byte* readdir(nint dir);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int closedir(nint dir);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint readlinkat(int dirfd, byte* path, byte* buf, nint size);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mkdirat(int dirfd, byte* path, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int symlinkat(byte* target, int dirfd, byte* path);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int linkat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int renameat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unlinkat(int dirfd, byte* path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fchmodat(int dirfd, byte* path, uint mode, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fchmod(int fd, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int utimensat(int dirfd, byte* path, Timespec* times, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int futimens(int fd, Timespec* times);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getuid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int syncfs(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sync_file_range(int fd, long offset, long nbytes, uint flags);

    /// <summary>Starts writing a file's data to disk without waiting, so the final sync has less left to do.</summary>
    public static void StartWriteback(int fd) => sync_file_range(fd, 0, 0, 2);

    /// <summary>Starts writing a range of a file's data to disk without waiting for it (SYNC_FILE_RANGE_WRITE).</summary>
    public static void StartWriteback(SafeHandle file, long offset, long length)
    {
        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            sync_file_range((int)file.DangerousGetHandle(), offset, length, 2);
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int renameat2(int olddirfd, byte* oldpath, int newdirfd, byte* newpath, uint flags);

    /// <summary>Swaps two names atomically (RENAME_EXCHANGE): a repaired path never goes missing.</summary>
    public static bool ExchangeAt(int olddirfd, ReadOnlySpan<byte> zold, int newdirfd, ReadOnlySpan<byte> znew)
    {
        fixed (byte* o = zold)
        fixed (byte* n = znew)
        {
            return renameat2(olddirfd, o, newdirfd, n, 2) == 0;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint pwrite(int fd, byte* buf, nint count, long offset);

    /// <summary>
    /// Writes all of <paramref name="data"/> at <paramref name="offset"/> (null: at the file's
    /// position, which moves on); a failure throws "<paramref name="where"/>: <paramref name="what"/>: errno text".
    /// </summary>
    public static void WriteAll(int fd, ReadOnlySpan<byte> data, long? offset, string where, string what = "cannot write")
    {
        fixed (byte* p = data)
        {
            var done = 0;
            while (done < data.Length)
            {
                var n = offset is { } at ? pwrite(fd, p + done, data.Length - done, at + done) : write(fd, p + done, data.Length - done);
                if (n < 0 && LastErrno == EINTR)
                {
                    continue;
                }
                if (n <= 0)
                {
                    throw n == 0 ? new IOException($"{where}: {what}: nothing was written") : Error(what, where);
                }
                done += (int)n;
            }
        }
    }

    /// <summary>
    /// Flushes the whole file system holding <paramref name="path"/> to disk: one call for many
    /// files. A failed flush (a write error the kernel met on the way) throws: nothing may be
    /// called durable after it.
    /// </summary>
    public static void SyncFileSystem(string path)
    {
        var fd = Open(AtFdCwd, Z(path), ORdOnly | ODirectory, 0, path);
        try
        {
            if (syncfs(fd) != 0)
            {
                throw Error("cannot flush to disk", path);
            }
        }
        finally
        {
            close(fd);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial byte* realpath(byte* path, byte* resolved);

    [LibraryImport("libc")]
    private static partial void free(void* pointer);

    /// <summary>The path with every symlink and '..' resolved (realpath(3)), or null when some part of it does not exist.</summary>
    public static string? RealPath(string path)
    {
        fixed (byte* p = Z(path))
        {
            var resolved = realpath(p, null);
            if (resolved == null)
            {
                return null;
            }
            try
            {
                return Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(resolved));
            }
            finally
            {
                free(resolved);
            }
        }
    }

    public static bool IsRoot => getuid() == 0;

    /// <summary>NUL-terminated bytes of a .NET path string.</summary>
    public static byte[] Z(string path) => Z(Encoding.UTF8.GetBytes(path));

    public static byte[] Z(ReadOnlySpan<byte> name)
    {
        var z = new byte[name.Length + 1];
        name.CopyTo(z);
        return z;
    }

    public static string Show(ReadOnlySpan<byte> name) => Encoding.UTF8.GetString(name);

    public static IOException Error(string what, string where)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{where}: {what}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    public static int LastErrno => Marshal.GetLastPInvokeError();

    public static bool TryStat(int dirfd, ReadOnlySpan<byte> zname, out Statx st, bool follow = false)
    {
        Statx buf;
        fixed (byte* p = zname)
        {
            var rc = statx(dirfd, p, follow ? 0 : AtSymlinkNoFollow, 0x7ff, &buf);
            st = buf;
            return rc == 0;
        }
    }

    public static Statx Stat(int dirfd, ReadOnlySpan<byte> zname, string where, bool follow = false) =>
        TryStat(dirfd, zname, out var st, follow) ? st : throw Error("cannot stat", where);

    public static Statx Stat(string path, bool follow = false) => Stat(AtFdCwd, Z(path), path, follow);

    public static int Open(int dirfd, ReadOnlySpan<byte> zname, int flags, uint mode, string where)
    {
        fixed (byte* p = zname)
        {
            var fd = openat(dirfd, p, flags | OCloExec, mode);
            return fd >= 0 ? fd : throw Error("cannot open", where);
        }
    }

    public static int TryOpen(int dirfd, ReadOnlySpan<byte> zname, int flags, uint mode)
    {
        fixed (byte* p = zname)
        {
            return openat(dirfd, p, flags | OCloExec, mode);
        }
    }

    public static SafeFileHandle Handle(int fd) => new(fd, ownsHandle: true);

    /// <summary>Names in a directory (without "." and ".."), as raw bytes, sorted bytewise as NAR wants.</summary>
    public static List<byte[]> ListDirectory(int dirfd, ReadOnlySpan<byte> zname, string where)
    {
        var fd = Open(dirfd, zname, ORdOnly | ODirectory, 0, where);
        var dir = fdopendir(fd);
        if (dir == 0)
        {
            close(fd);
            throw Error("cannot read directory", where);
        }
        var names = new List<byte[]>();
        try
        {
            while (true)
            {
                Marshal.SetLastPInvokeError(0);
                var entry = readdir(dir);
                if (entry == null)
                {
                    if (LastErrno != 0)
                    {
                        throw Error("cannot read directory", where);
                    }
                    break;
                }
                var name = new ReadOnlySpan<byte>(entry + 19, 256);
                name = name[..name.IndexOf((byte)0)];
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                {
                    continue;
                }
                names.Add(name.ToArray());
            }
        }
        finally
        {
            closedir(dir);
        }
        names.Sort(static (a, b) => a.AsSpan().SequenceCompareTo(b));
        return names;
    }

    public static byte[] ReadLink(int dirfd, ReadOnlySpan<byte> zname, string where)
    {
        var size = 256;
        while (true)
        {
            var buffer = new byte[size];
            nint n;
            fixed (byte* p = zname)
            fixed (byte* b = buffer)
            {
                n = readlinkat(dirfd, p, b, size);
            }
            if (n < 0)
            {
                throw Error("cannot read symlink", where);
            }
            if (n < size)
            {
                return buffer[..(int)n];
            }
            size *= 4;
        }
    }

    public static bool MkdirAt(int dirfd, ReadOnlySpan<byte> zname, uint mode)
    {
        fixed (byte* p = zname)
        {
            return mkdirat(dirfd, p, mode) == 0;
        }
    }

    public static bool SymlinkAt(ReadOnlySpan<byte> ztarget, int dirfd, ReadOnlySpan<byte> zname)
    {
        fixed (byte* t = ztarget)
        fixed (byte* p = zname)
        {
            return symlinkat(t, dirfd, p) == 0;
        }
    }

    public static bool LinkAt(int olddirfd, ReadOnlySpan<byte> zold, int newdirfd, ReadOnlySpan<byte> znew)
    {
        fixed (byte* o = zold)
        fixed (byte* n = znew)
        {
            return linkat(olddirfd, o, newdirfd, n, 0) == 0;
        }
    }

    public static bool RenameAt(int olddirfd, ReadOnlySpan<byte> zold, int newdirfd, ReadOnlySpan<byte> znew)
    {
        fixed (byte* o = zold)
        fixed (byte* n = znew)
        {
            return renameat(olddirfd, o, newdirfd, n) == 0;
        }
    }

    public static bool UnlinkAt(int dirfd, ReadOnlySpan<byte> zname, bool directory)
    {
        fixed (byte* p = zname)
        {
            return unlinkat(dirfd, p, directory ? AtRemoveDir : 0) == 0;
        }
    }

    public static bool ChmodAt(int dirfd, ReadOnlySpan<byte> zname, uint mode)
    {
        fixed (byte* p = zname)
        {
            return fchmodat(dirfd, p, mode, 0) == 0;
        }
    }

    public static bool Fchmod(int fd, uint mode) => fchmod(fd, mode) == 0;

    /// <summary>Sets atime and mtime to <paramref name="seconds"/> without following a symlink.</summary>
    public static bool SetTimes(int dirfd, ReadOnlySpan<byte> zname, long seconds)
    {
        var times = stackalloc Timespec[2];
        times[0] = new Timespec { Seconds = seconds };
        times[1] = new Timespec { Seconds = seconds };
        fixed (byte* p = zname)
        {
            return utimensat(dirfd, p, times, AtSymlinkNoFollow) == 0;
        }
    }

    public static bool SetTimes(int fd, long seconds)
    {
        var times = stackalloc Timespec[2];
        times[0] = new Timespec { Seconds = seconds };
        times[1] = new Timespec { Seconds = seconds };
        return futimens(fd, times) == 0;
    }

    public static void FsyncDirectory(string path)
    {
        var fd = TryOpen(AtFdCwd, Z(path), ORdOnly | ODirectory, 0);
        if (fd >= 0)
        {
            fsync(fd);
            close(fd);
        }
    }
}
