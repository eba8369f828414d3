using System.Net;
using System.Security.Cryptography;
using QiTech.Os.Build;
using QiTech.Os.Nix;
using QiTech.Os.Store;

namespace QiTech.Os.Base;

/// <summary>
/// The fixed-output fetch of a base's .debs: each pinned .deb becomes its own store path,
/// whose hash part follows from the lock's SHA-256 alone (a flat fixed-output path, as
/// <c>nix-store --add-fixed sha256</c>), so one already in the store is neither fetched nor
/// read, and two bases share every .deb they have in common. A .deb comes from the cache
/// when it holds it, else from the build machine's apt sources, tried in order; its SHA-256
/// is checked before it enters the cache or the store, and a mismatch fails naming the package.
/// </summary>
public sealed class DebFetcher(LocalStore store, HttpClient http, DebCache cache, IReadOnlyList<AptSource> sources)
{
    /// <summary>Told one line per .deb that had to be downloaded.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>How many .debs the last <see cref="FetchAsync"/> downloaded (0 when the cache or the store had them all).</summary>
    public int Downloaded { get; private set; }

    /// <summary>The store path a pinned .deb has, fetched or not.</summary>
    public StorePath PathOf(DebianPackagePin pin) => store.Computer.MakeFixedOutputPath(false, pin.Sha256, pin.StoreName);

    public async Task<IReadOnlyList<StorePath>> FetchAsync(IReadOnlyList<DebianPackagePin> pins, CancellationToken cancel = default)
    {
        Downloaded = 0;
        var paths = new List<StorePath>(pins.Count);
        foreach (var pin in pins)
        {
            cancel.ThrowIfCancellationRequested();
            var path = PathOf(pin);
            if (!store.IsValid(path))
            {
                var file = cache.TryGet(pin.Sha256) ?? await DownloadAsync(pin, cancel);
                BuildOutputRegistrar.Register(store, path, file, null, [], $"fixed:sha256:{pin.Sha256.ToBase32()}", cancel);
            }
            paths.Add(path);
        }
        return paths;
    }

    private async Task<string> DownloadAsync(DebianPackagePin pin, CancellationToken cancel)
    {
        var tried = new List<string>();
        foreach (var source in sources)
        {
            var uri = source.FileUri(pin.Filename);
            var temp = cache.NewTempFile();
            try
            {
                var found = await CopyToAsync(uri, temp, cancel);
                if (!found)
                {
                    tried.Add(uri);
                    continue;
                }
                Sha256Digest actual;
                await using (var file = File.OpenRead(temp))
                {
                    actual = new Sha256Digest(await SHA256.HashDataAsync(file, cancel));
                }
                if (actual != pin.Sha256)
                {
                    throw new BuildException($"hash mismatch in Debian package {pin.Describe()} from {uri}: expected sha256:{pin.Sha256.ToBase16()} got sha256:{actual.ToBase16()}");
                }
                Downloaded++;
                Log?.Invoke($"fetched {pin.Describe()} ({pin.Size} bytes) from {uri}");
                return cache.Commit(temp, pin.Sha256);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        throw new BuildException(
            $"no apt source serves Debian package {pin.Describe()} ({pin.Filename}; tried {string.Join(", ", tried)}): " +
            "a mirror keeps only the current versions of a suite, so refresh the lock with `qitech-os base lock` or add a snapshot mirror to the apt sources");
    }

    /// <summary>Copies a file:// or http(s):// resource; false when it does not exist there.</summary>
    private async Task<bool> CopyToAsync(string uri, string target, CancellationToken cancel)
    {
        var parsed = new Uri(uri);
        if (parsed.IsFile)
        {
            if (!File.Exists(parsed.LocalPath))
            {
                return false;
            }
            File.Copy(parsed.LocalPath, target, overwrite: true);
            return true;
        }
        try
        {
            using var response = await http.GetAsync(parsed, HttpCompletionOption.ResponseHeadersRead, cancel);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                return false;
            }
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(cancel);
            await using var file = File.Create(target);
            await body.CopyToAsync(file, cancel);
            return true;
        }
        catch (HttpRequestException e)
        {
            throw new BuildException($"cannot fetch {uri}: {e.Message}");
        }
    }
}
