using System.Security.Cryptography;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Build;

/// <summary>
/// The fetch behind <see cref="NuGetFeed"/>: collects every package the lock files pin into one
/// flat feed, each .nupkg checked against its pinned SHA-512 (of the content without
/// the registry's signature: <see cref="NuGetContentHash"/>; "expected … got …" on
/// a mismatch). Packages come from the local NuGet cache when it holds them, else from the
/// registry: this is the only step of a build that may use the network. The sandboxed build
/// then restores offline from the feed.
/// </summary>
public sealed class NuGetFetcher(HttpClient http, string? localCache = null)
{
    public const string DefaultRegistry = "https://api.nuget.org/v3-flatcontainer/";

    private readonly string _cache = localCache
        ?? Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public string Registry { get; init; } = DefaultRegistry;

    public const string StoreName = "nuget-deps";

    /// <summary>Writes the checked .nupkg files of the feed into <paramref name="feed"/> (created).</summary>
    public async Task WriteFeedAsync(IEnumerable<NuGetPackage> packages, string feed, CancellationToken cancel = default)
    {
        var distinct = packages.DistinctBy(p => p.FileName).OrderBy(p => p.FileName, StringComparer.Ordinal).ToList();
        Directory.CreateDirectory(feed);
        foreach (var package in distinct)
        {
            var bytes = await LoadAsync(package, cancel);
            var actual = NuGetContentHash.Compute(bytes);
            if (actual != package.ContentHash)
            {
                throw new BuildException($"hash mismatch in NuGet package {package.Id} {package.Version}: expected sha512-{package.ContentHash} got sha512-{actual}");
            }
            await File.WriteAllBytesAsync(Path.Combine(feed, package.FileName), bytes, cancel);
        }
    }

    private async Task<byte[]> LoadAsync(NuGetPackage package, CancellationToken cancel)
    {
        var id = package.Id.ToLowerInvariant();
        var version = package.Version.ToLowerInvariant();
        var cached = Path.Combine(_cache, id, version, $"{id}.{version}.nupkg");
        if (File.Exists(cached))
        {
            return await File.ReadAllBytesAsync(cached, cancel);
        }
        var url = $"{Registry}{Uri.EscapeDataString(id)}/{Uri.EscapeDataString(version)}/{Uri.EscapeDataString(id)}.{Uri.EscapeDataString(version)}.nupkg";
        try
        {
            return await http.GetByteArrayAsync(url, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new BuildException($"cannot fetch NuGet package {package.Id} {package.Version} from {Registry}: {e.Message}");
        }
    }
}
