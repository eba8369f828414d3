using System.Security.Cryptography;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// A root that keeps a store path only while the process that made it holds it: a link in
/// <c>gcroots/temp/</c> and a lock beside it. A built system waits under one until another
/// process (the daemon) has made it a generation; a collection meanwhile keeps it, and the root
/// of a process that died keeps nothing (its lock is free) and is removed by the next collection.
/// </summary>
public sealed class TemporaryRoot : IDisposable
{
    public const string Folder = "temp";

    private const string LockSuffix = ".lock";

    private readonly string _link;
    private FileLock? _lock;

    private TemporaryRoot(StorePath path, string link, FileLock held)
    {
        Path = path;
        _link = link;
        _lock = held;
    }

    public StorePath Path { get; }

    /// <summary>
    /// Roots <paramref name="path"/> until disposed. Call while the path is still held from
    /// collection (<see cref="LocalStore.HoldOffGarbageCollection"/>), so no collection comes between.
    /// </summary>
    public static TemporaryRoot Create(LocalStore store, StorePath path)
    {
        var dir = FolderOf(store.Layout);
        Directory.CreateDirectory(dir);
        var name = $"{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var link = System.IO.Path.Combine(dir, name);
        // The lock first: a collection that sees the link sees it held.
        var held = FileLock.Acquire(link + LockSuffix, exclusive: false);
        try
        {
            File.CreateSymbolicLink(link, store.Layout.StoreDir.Render(path));
        }
        catch
        {
            held.Dispose();
            File.Delete(link + LockSuffix);
            throw;
        }
        return new TemporaryRoot(path, link, held);
    }

    /// <summary>The folder of temporary roots under the root's gcroots.</summary>
    public static string FolderOf(SystemLayout layout) => System.IO.Path.Combine(layout.GcRootsDir, Folder);

    /// <summary>True while the process that made the root at <paramref name="link"/> still holds it.</summary>
    public static bool IsHeld(string link)
    {
        var lockPath = link + LockSuffix;
        if (!File.Exists(lockPath))
        {
            return false;
        }
        using var free = FileLock.TryAcquire(lockPath, exclusive: true);
        return free == null;
    }

    /// <summary>Removes the roots of processes that ended without removing them; called by a collection.</summary>
    public static void RemoveStale(SystemLayout layout)
    {
        var dir = FolderOf(layout);
        if (!Directory.Exists(dir))
        {
            return;
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
        {
            var link = entry.EndsWith(LockSuffix, StringComparison.Ordinal) ? entry[..^LockSuffix.Length] : entry;
            if (!IsHeld(link))
            {
                File.Delete(link);
                File.Delete(link + LockSuffix);
            }
        }
    }

    public void Dispose()
    {
        if (_lock == null)
        {
            return;
        }
        File.Delete(_link);
        File.Delete(_link + LockSuffix);
        _lock.Dispose();
        _lock = null;
    }
}
