using QiTech.Os.Errors;
using QiTech.Os.Nix;
using QiTech.Os.Store;

namespace QiTech.Os.Base;

/// <summary>
/// From a lock to what an offline base build reads: the lock checked against the declared
/// request, every .deb fetched as its own fixed-output store path, and the offline mirror of
/// them. This is the seam a base build goes through; nothing after it uses the network.
/// </summary>
public static class PinnedBase
{
    /// <summary>The lock at <paramref name="lockPath"/>, refused when it was made for another request.</summary>
    public static BaseLock ReadLock(string lockPath, BaseRequest declared)
    {
        var baseLock = BaseLock.Read(lockPath);
        if (!baseLock.Request.Matches(declared))
        {
            throw new BadInputException(
                $"{lockPath}: the lock is for '{baseLock.Request.Describe()}' but the configuration declares '{declared.Describe()}': refresh it with `qitech-os base lock`");
        }
        return baseLock;
    }

    /// <summary>
    /// The lock's .debs in the store (from the cache, else the build machine's apt sources for
    /// the lock's suite) and their offline mirror; <paramref name="log"/> hears each download.
    /// </summary>
    public static async Task<(StorePath Mirror, int Downloaded)> FetchMirrorAsync(LocalStore store, BaseLock baseLock, Action<string> log, CancellationToken cancel = default)
    {
        var sources = await AptSources.ForSuiteAsync(baseLock.Request.Suite, cancel);
        using var http = new HttpClient();
        var fetcher = new DebFetcher(store, http, DebCache.Default(), sources) { Log = log };
        var mirror = await MirrorAsync(store, baseLock, fetcher, cancel);
        return (mirror, fetcher.Downloaded);
    }

    public static async Task<StorePath> MirrorAsync(LocalStore store, BaseLock baseLock, DebFetcher fetcher, CancellationToken cancel = default)
    {
        using var holdOff = store.HoldOffGarbageCollection();
        var debs = await fetcher.FetchAsync(baseLock.Packages, cancel);
        return await OfflineMirror.CreateAsync(store, baseLock, debs, cancel);
    }
}
