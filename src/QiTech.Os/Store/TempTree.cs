using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// A private work directory under <c>&lt;store&gt;/.tmp</c> (same file system, so its result
/// can be renamed into the store). Its lock file is held while the owner lives; any such
/// directory whose lock is free belongs to a dead process and is removed at the next start.
/// </summary>
internal sealed class TempTree : IDisposable
{
    private readonly FileLock _lock;

    private TempTree(string path, FileLock fileLock, int fd)
    {
        Path = path;
        _lock = fileLock;
        Fd = fd;
    }

    public string Path { get; }

    /// <summary>Descriptor of the directory, for *at calls.</summary>
    public int Fd { get; private set; }

    public static TempTree Create(string tmpRoot)
    {
        var name = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
        var path = System.IO.Path.Combine(tmpRoot, name);
        var fileLock = FileLock.Acquire(path + ".lock", exclusive: true);
        Directory.CreateDirectory(path);
        var fd = Posix.Open(Posix.AtFdCwd, Posix.Z(path), Posix.ORdOnly | Posix.ODirectory, 0, path);
        return new TempTree(path, fileLock, fd);
    }

    /// <summary>Removes work directories left by processes that died.</summary>
    public static void CleanAbandoned(string tmpRoot)
    {
        foreach (var lockFile in Directory.EnumerateFiles(tmpRoot, "*.lock"))
        {
            using var probe = FileLock.TryAcquire(lockFile, exclusive: true);
            if (probe == null)
            {
                continue;
            }
            TreeRemover.Remove(lockFile[..^".lock".Length]);
            File.Delete(lockFile);
        }
        // A directory without a lock file cannot have an owner.
        foreach (var dir in Directory.EnumerateDirectories(tmpRoot))
        {
            if (!File.Exists(dir + ".lock"))
            {
                TreeRemover.Remove(dir);
            }
        }
    }

    public void Dispose()
    {
        if (Fd >= 0)
        {
            Posix.close(Fd);
            Fd = -1;
        }
        try
        {
            TreeRemover.Remove(Path);
            File.Delete(Path + ".lock");
        }
        finally
        {
            _lock.Dispose();
        }
    }
}
