using System.Security.Cryptography;
using QiTech.Os.Build;
using QiTech.Os.Platform;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Build;

/// <summary>The NuGet step on a local package cache (no network): pinned hashes are enforced.</summary>
public sealed class NuGetFetcherTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-nuget");
    private readonly LocalStore _store;

    public NuGetFetcherTests() => _store = LocalStore.Open(SystemLayout.FromOptions(_temp.Combine("root"), null));

    private string CachePackage(string id, string version, byte[] content)
    {
        var dir = _temp.Combine("cache", id.ToLowerInvariant(), version);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, $"{id.ToLowerInvariant()}.{version}.nupkg"), content);
        return Convert.ToBase64String(SHA512.HashData(content));
    }

    private string LockFile(params (string Id, string Version, string Hash)[] packages)
    {
        var entries = string.Join(",\n", packages.Select(p =>
            $"\"{p.Id}\": {{ \"type\": \"Direct\", \"requested\": \"[{p.Version}, )\", \"resolved\": \"{p.Version}\", \"contentHash\": \"{p.Hash}\" }}"));
        var path = _temp.Combine("packages.lock.json");
        File.WriteAllText(path, $"{{ \"version\": 1, \"dependencies\": {{ \"net10.0\": {{ {entries}, \"Other.Project\": {{ \"type\": \"Project\" }} }} }} }}");
        return path;
    }

    [Fact]
    public async Task Pinned_packages_become_one_flat_feed_and_the_feed_is_named_by_the_pins_alone()
    {
        var hashA = CachePackage("Alpha.Lib", "1.2.3", "alpha"u8.ToArray());
        var hashB = CachePackage("Beta", "2.0.0", "beta"u8.ToArray());
        var packages = NuGetLockFile.Read(LockFile(("Alpha.Lib", "1.2.3", hashA), ("Beta", "2.0.0", hashB)));
        using var http = new HttpClient();
        var fetcher = new NuGetFetcher(http, _temp.Combine("cache")) { Registry = "http://127.0.0.1:9/" };

        await fetcher.WriteFeedAsync(packages, _temp.Combine("feed"));

        Assert.Equal(2, packages.Count);
        Assert.Equal(["alpha.lib.1.2.3.nupkg", "beta.2.0.0.nupkg"], Directory.GetFiles(_temp.Combine("feed")).Select(Path.GetFileName).Order());
        var hasher = new QiTech.Os.Build.DerivationHasher(_store.Layout.StoreDir);
        var feed = hasher.Resolve(NuGetFeed.Create(packages)).Out;
        Assert.Equal(feed, hasher.Resolve(NuGetFeed.Create(packages.Reverse())).Out);
        Assert.NotEqual(feed, hasher.Resolve(NuGetFeed.Create([packages[0], packages[1] with { ContentHash = hashA }])).Out);
    }

    [Fact]
    public async Task A_package_that_does_not_match_its_lock_hash_is_refused()
    {
        var pinned = Convert.ToBase64String(SHA512.HashData("the real one"u8));
        var actual = CachePackage("Alpha.Lib", "1.2.3", "tampered"u8.ToArray());
        var packages = NuGetLockFile.Read(LockFile(("Alpha.Lib", "1.2.3", pinned)));
        using var http = new HttpClient();

        var e = await Assert.ThrowsAsync<BuildException>(() => new NuGetFetcher(http, _temp.Combine("cache")).WriteFeedAsync(packages, _temp.Combine("feed")));

        Assert.Equal($"hash mismatch in NuGet package Alpha.Lib 1.2.3: expected sha512-{pinned} got sha512-{actual}", e.Message);
    }

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }
}
