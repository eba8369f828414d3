using QiTech.Os.Nix;
using QiTech.Os.Store;

namespace QiTech.Os.Cache;

/// <summary>
/// Before a build: fetches every wanted output that a configured cache has (with its
/// closure, in parallel, verified), so only what no cache has is built. An unreachable cache
/// is a warning and the package is built; a cache that answers with something unsigned or
/// tampered fails the build, since that is an attack rather than an outage.
/// </summary>
public sealed class PackageSubstituter(LocalStore store, SubstituterSettings settings)
{
    public async Task<IReadOnlyList<StorePath>> FetchAsync(IEnumerable<StorePath> wanted, IProgress<CacheProgress>? progress, Action<string> warn, CancellationToken cancel)
    {
        var missing = wanted.Where(p => !store.IsValid(p)).Distinct().ToList();
        if (settings.IsEmpty || missing.Count == 0)
        {
            return [];
        }
        var transports = settings.Caches.Select(ICacheTransport.Open).ToList();
        try
        {
            var reachable = new List<ICacheTransport>();
            foreach (var cache in transports)
            {
                try
                {
                    if (await cache.ExistsAsync(CachePusher.CacheInfoFile, cancel))
                    {
                        reachable.Add(cache);
                    }
                    else
                    {
                        warn($"{cache.Url} is not a binary cache (no {CachePusher.CacheInfoFile}); building instead");
                    }
                }
                catch (Errors.QiTechOsException e) when (e is not CacheException)
                {
                    warn($"{cache.Url} cannot be reached ({e.Message}); building instead");
                }
            }
            if (reachable.Count == 0)
            {
                return [];
            }
            var fetcher = new CacheFetcher(store, reachable, settings.TrustedKeys);
            var plan = await fetcher.PlanAsync(missing, requireAll: false, cancel);
            return plan.Count == 0 ? [] : await fetcher.FetchPlannedAsync(plan, progress, cancel);
        }
        finally
        {
            transports.ForEach(t => t.Dispose());
        }
    }
}
