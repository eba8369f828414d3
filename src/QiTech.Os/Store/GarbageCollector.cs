using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>What a collection removed (or would remove).</summary>
public sealed record GcResult(IReadOnlyList<StorePath> Deleted, long BytesFreed, IReadOnlyList<StorePath> Roots);

/// <summary>
/// Deletes every path no root reaches. Roots: the profiles' generation links, the current and
/// booted systems, and links in <c>R/qitech/gcroots</c>. Holds the collector lock so no
/// import runs meanwhile; deletes in reverse reference order.
/// </summary>
public sealed class GarbageCollector(LocalStore store)
{
    public GcResult Collect(bool dryRun, CancellationToken cancel = default)
    {
        using var gcLock = FileLock.Acquire(store.GcLockPath, exclusive: true);
        var roots = GcRoots.Find(store.Layout).Where(store.IsValid).Distinct().ToList();
        var live = store.Closure(roots);
        var dead = store.AllValidPaths().Where(p => !live.Contains(p)).ToList();
        var sizes = dead.ToDictionary(p => p, p => DiskUsage.Of(store.PhysicalPath(p)));
        var freed = sizes.Values.Sum();
        if (!dryRun)
        {
            // Referrers go first, so a crash midway never leaves a path whose reference is gone.
            foreach (var path in ReferrersFirst(dead))
            {
                cancel.ThrowIfCancellationRequested();
                store.DeletePaths([path]);
            }
            freed += store.Links.Prune();
            freed += RemoveStrays();
            TemporaryRoot.RemoveStale(store.Layout);
        }
        return new GcResult(dead.Order().ToList(), freed, roots);
    }

    private List<StorePath> ReferrersFirst(IReadOnlyCollection<StorePath> dead)
    {
        var set = dead.ToHashSet();
        var order = new List<StorePath>();
        var visited = new HashSet<StorePath>();
        void Visit(StorePath p)
        {
            if (!visited.Add(p))
            {
                return;
            }
            foreach (var referrer in store.Database.Referrers(p))
            {
                if (set.Contains(referrer) && referrer != p)
                {
                    Visit(referrer);
                }
            }
            order.Add(p);
        }
        foreach (var p in dead.Order())
        {
            Visit(p);
        }
        return order;
    }

    /// <summary>Entries in the store directory the database does not know (left by crashes or by hand).</summary>
    private long RemoveStrays()
    {
        long freed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(store.Layout.PhysicalStoreDir))
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith('.'))
            {
                continue;
            }
            if (StorePath.TryParseBaseName(name, out var path, out _) && store.IsValid(path))
            {
                continue;
            }
            freed += DiskUsage.Of(entry);
            TreeRemover.Remove(entry);
        }
        return freed;
    }
}
