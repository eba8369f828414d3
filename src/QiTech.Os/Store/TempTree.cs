using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// A private work directory under <c>&lt;store&gt;/.tmp</c> (same file system, so its result
/// can be renamed into the store). Its lock file is held while the owner lives; any such
/// directory whose lock is free belongs to a dead process and is removed at the next start.
/// Contents it publishes in <c>.links</c> are noted, so that when the work ends without
/// a store path (a full disk, a refused import) the entries nothing else uses go with it.
/// </summary>
internal sealed class TempTree : IDisposable
{
    private readonly FileLock _lock;
    private readonly List<byte[]> _published = [];
    private int _scratchNames;
    private int _unfinishedWriters;

    private TempTree(string path, FileLock fileLock, int fd, LinksDirectory links)
    {
        Path = path;
        _lock = fileLock;
        Fd = fd;
        Links = links;
    }

    public string Path { get; }

    /// <summary>The store's content directory the work deduplicates against.</summary>
    public LinksDirectory Links { get; }

    /// <summary>The store directory (physical) the work is for, for messages.</summary>
    public string StoreDirectory => System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(Path))!;

    /// <summary>Publishes a file of this tree as the store's copy of its content, noting it for cleanup.</summary>
    public void Publish(int dirfd, byte[] zname, byte[] key)
    {
        if (Links.Publish(dirfd, zname, key))
        {
            lock (_published)
            {
                _published.Add(key);
            }
        }
    }

    /// <summary>A fresh name in this directory, never an entry's ("p0", "out"), for a file about to be renamed elsewhere.</summary>
    public byte[] ScratchName() => Posix.Z($".scratch-{Interlocked.Increment(ref _scratchNames)}");

    internal void WriterStarted() => Interlocked.Increment(ref _unfinishedWriters);

    internal void WriterFinished() => Interlocked.Decrement(ref _unfinishedWriters);

    /// <summary>Refuses to hand over a tree whose writer has not finished (it would move in half written).</summary>
    public void CheckComplete()
    {
        if (Volatile.Read(ref _unfinishedWriters) != 0)
        {
            throw new InvalidOperationException("a tree of this work directory is still being written");
        }
    }

    /// <summary>Descriptor of the directory, for *at calls.</summary>
    public int Fd { get; private set; }

    public static TempTree Create(string tmpRoot, LinksDirectory links)
    {
        var name = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
        var path = System.IO.Path.Combine(tmpRoot, name);
        var fileLock = FileLock.Acquire(path + ".lock", exclusive: true);
        Directory.CreateDirectory(path);
        var fd = Posix.Open(Posix.AtFdCwd, Posix.Z(path), Posix.ORdOnly | Posix.ODirectory, 0, path);
        return new TempTree(path, fileLock, fd, links);
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
        // What moved into the store still links to its content; the rest is orphaned.
        Links.RemoveUnused(_published);
        _published.Clear();
    }
}
