namespace QiTech.Os.Platform;

/// <summary>
/// An advisory lock (flock) on a file, released when disposed or when the process dies —
/// so a killed process never leaves a stale lock behind.
/// </summary>
public sealed class FileLock : IDisposable
{
    private int _fd;

    private FileLock(int fd) => _fd = fd;

    /// <summary>Waits for the lock.</summary>
    public static FileLock Acquire(string path, bool exclusive)
    {
        var fd = OpenLockFile(path);
        if (Posix.flock(fd, exclusive ? Posix.LockEx : Posix.LockSh) != 0)
        {
            var error = Posix.Error("cannot lock", path);
            Posix.close(fd);
            throw error;
        }
        return new FileLock(fd);
    }

    /// <summary>Takes the lock if nobody holds it, else returns null.</summary>
    public static FileLock? TryAcquire(string path, bool exclusive)
    {
        var fd = OpenLockFile(path);
        if (Posix.flock(fd, (exclusive ? Posix.LockEx : Posix.LockSh) | Posix.LockNb) != 0)
        {
            Posix.close(fd);
            return null;
        }
        return new FileLock(fd);
    }

    private static int OpenLockFile(string path) =>
        Posix.Open(Posix.AtFdCwd, Posix.Z(path), Posix.ORdOnly | Posix.OCreat, Posix.Mode0600, path);

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Posix.close(_fd);
            _fd = -1;
        }
    }
}
