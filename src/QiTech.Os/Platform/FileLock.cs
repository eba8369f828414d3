namespace QiTech.Os.Platform;

/// <summary>
/// An exclusive flock(2) on a lock file, held until disposed. Waiting polls, so it can be
/// cancelled; the kernel drops the lock if the process dies.
/// </summary>
public sealed class FileLock : IDisposable
{
    private readonly int _fd;

    private FileLock(int fd) => _fd = fd;

    public static async Task<FileLock> AcquireAsync(string path, CancellationToken cancel)
    {
        var fd = Posix.Open(Posix.AtFdCwd, Posix.Z(path), Posix.OWrOnly | Posix.OCreat, Posix.Mode0600, path);
        try
        {
            while (Posix.flock(fd, Posix.LockEx | Posix.LockNb) != 0)
            {
                await Task.Delay(50, cancel);
            }
            return new FileLock(fd);
        }
        catch
        {
            Posix.close(fd);
            throw;
        }
    }

    public void Dispose() => Posix.close(_fd);
}
