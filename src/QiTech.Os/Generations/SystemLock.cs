using QiTech.Os.Errors;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Generations;

/// <summary>
/// The one lock (flock on <c>R/qitech/var/system.lock</c>) that the CLI and the daemon take
/// before changing generations, so two never change them at once. The kernel drops it when
/// the holder dies, so a killed process never leaves it held.
/// </summary>
public sealed class SystemLock : IDisposable
{
    private int _fd;

    private SystemLock(int fd) => _fd = fd;

    public static string PathFor(SystemLayout layout) => layout.StateDir + "/system.lock";

    /// <summary>Waits for the lock until <paramref name="cancel"/> fires.</summary>
    public static SystemLock Acquire(SystemLayout layout, CancellationToken cancel = default)
    {
        var path = PathFor(layout);
        Directory.CreateDirectory(layout.StateDir);
        var fd = Posix.TryOpen(Posix.AtFdCwd, Posix.Z(path), Posix.OWrOnly | Posix.OCreat, Posix.Mode0600);
        if (fd < 0)
        {
            throw new QiTechOsException($"{path}: cannot open the system lock: {Posix.Error("open", path).Message}");
        }
        while (Posix.flock(fd, Posix.LockEx | Posix.LockNb) != 0)
        {
            if (cancel.IsCancellationRequested)
            {
                Posix.close(fd);
                cancel.ThrowIfCancellationRequested();
            }
            Thread.Sleep(20);
        }
        return new SystemLock(fd);
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Posix.close(_fd);
            _fd = -1;
        }
    }
}
