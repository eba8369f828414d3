using System.Formats.Tar;
using QiTech.Os.Errors;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Sources;
using QiTech.Os.Store;

namespace QiTech.Os.Cache;

/// <summary>
/// Offline bundles for sites without a network: one tar file holding a signed manifest
/// (<c>qitech-bundle.json</c> + <c>qitech-bundle.sig</c>) and a binary cache of a system's
/// closure (signed narinfos, zstd NARs). Installing checks the manifest's signature before
/// reading anything else, then every path as a cache fetch does, so a bundle signed by an
/// unknown key, truncated or tampered changes nothing.
/// </summary>
public static class Bundle
{
    public const string ManifestEntry = "qitech-bundle.json";
    public const string SignatureEntry = "qitech-bundle.sig";
    private const int MaxManifestBytes = 64 << 10;

    /// <summary>
    /// Writes the closure of <paramref name="system"/> (less the closure of <paramref name="since"/>)
    /// to <paramref name="output"/>; the manifest names the system by <paramref name="version"/> and
    /// carries <paramref name="changelog"/>, what an operator reads before installing it.
    /// </summary>
    public static async Task<BundleManifest> CreateAsync(LocalStore store, StorePath system, VersionInfo version, StorePath? since, NixSecretKey key, string output,
        string? changelog, CancellationToken cancel)
    {
        var staging = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, $".{Path.GetFileName(output)}.{Environment.ProcessId}.d");
        var temp = output + $".{Environment.ProcessId}.tmp";
        try
        {
            using (var cache = new FileCacheTransport(BinaryCacheUrl.Parse("file://" + staging)))
            {
                var exclude = since is { } old ? store.Closure([old]) : new HashSet<StorePath>();
                // A whole bundle is read whole: the file layer would only double its size. A bundle
                // since a system is the file layer alone, less every file that system holds: a new
                // base that adds one package costs that package and the index, not the base again.
                var pusher = since is null
                    ? new CachePusher(store, cache, key, fileLayer: false)
                    : new CachePusher(store, cache, key, nar: false, present: await Task.Run(() => ContentsOf(store, exclude, cancel), cancel));
                await pusher.PushAsync([system], null, cancel, exclude);
            }
            var paths = Directory.GetFiles(staging, "*.narinfo").Length;
            var manifest = new BundleManifest(since is null ? BundleManifest.CurrentFormat : BundleManifest.SinceFormat, store.Layout.StoreDir.Path, store.Render(system),
                version.Label(), version.Commit, version.Timestamp, paths, changelog, since is { } from ? store.Render(from) : null);
            var manifestBytes = manifest.ToBytes();
            await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                await using (var tar = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: true))
                {
                    await WriteBytesAsync(tar, ManifestEntry, manifestBytes, cancel);
                    await WriteBytesAsync(tar, SignatureEntry, System.Text.Encoding.UTF8.GetBytes(key.Sign(manifestBytes) + "\n"), cancel);
                    foreach (var entry in Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    {
                        await tar.WriteEntryAsync(entry, Path.GetRelativePath(staging, entry), cancel);
                    }
                }
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, output, overwrite: true);
            return manifest;
        }
        finally
        {
            File.Delete(temp);
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Reads and checks only the manifest (for showing a bundle before installing it), with the name of the key that signed it.</summary>
    public static async Task<SignedManifest> ReadManifestAsync(string bundle, IReadOnlyList<NixPublicKey> trustedKeys, CancellationToken cancel)
    {
        await using var file = Open(bundle);
        await using var tar = new TarReader(file);
        return await ReadSignedManifestAsync(tar, bundle, trustedKeys, cancel);
    }

    /// <summary>Checks the bundle's signature, then imports its closure; returns the manifest of the system now in the store.</summary>
    public static async Task<BundleManifest> ImportAsync(LocalStore store, string bundle, IReadOnlyList<NixPublicKey> trustedKeys, IProgress<CacheProgress>? progress, CancellationToken cancel)
    {
        var staging = Path.Combine(store.TmpDir, $"bundle-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            BundleManifest manifest;
            await using (var file = Open(bundle))
            await using (var tar = new TarReader(file))
            {
                manifest = (await ReadSignedManifestAsync(tar, bundle, trustedKeys, cancel)).Manifest;
                if (manifest.StoreDir != store.Layout.StoreDir.Path)
                {
                    throw new BadInputException($"{bundle}: made for the store {manifest.StoreDir}, not {store.Layout.StoreDir}");
                }
                CheckSince(store, manifest, bundle);
                Directory.CreateDirectory(staging);
                try
                {
                    while (await tar.GetNextEntryAsync(copyData: false, cancel) is { } entry)
                    {
                        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                            || entry.Name.Split('/').Any(s => s is "" or "." or "..") || entry.Name.StartsWith('/'))
                        {
                            throw new BadInputException($"{bundle}: unexpected entry '{entry.Name}'");
                        }
                        var target = Path.Combine(staging, entry.Name);
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        await entry.ExtractToFileAsync(target, overwrite: false, cancel);
                    }
                }
                catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
                {
                    throw new BadInputException($"{bundle}: truncated or damaged ({e.Message})");
                }
            }
            var system = store.ParsePath(manifest.System);
            using var cache = new FileCacheTransport(BinaryCacheUrl.Parse("file://" + staging));
            var fetcher = new CacheFetcher(store, [cache], trustedKeys);
            await fetcher.FetchAsync([system], progress, cancel);
            return manifest;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                TreeRemover.Remove(staging);
            }
        }
    }

    /// <summary>
    /// Why a bundle since a system cannot install on a machine that lacks that system (as
    /// <paramref name="has"/> tells); null when it can, or when it is a whole bundle.
    /// </summary>
    public static string? SinceRefusal(BundleManifest manifest, StoreDirectory storeDir, Func<StorePath, bool> has) =>
        manifest.Since is { } since && !(storeDir.TryParse(since, out var path, out _) && has(path))
            ? $"holds only what {since} lacks, and this machine does not have {since}"
            : null;

    /// <summary>A bundle since a system installs only where that system is: refused before anything is read.</summary>
    private static void CheckSince(LocalStore store, BundleManifest manifest, string bundle)
    {
        if (SinceRefusal(manifest, store.Layout.StoreDir, store.IsValid) is { } refusal)
        {
            throw new BadInputException($"{bundle}: {refusal}");
        }
    }

    /// <summary>The contents (SHA-256) of every file the file layer would name in these paths: what a machine holding them has.</summary>
    private static HashSet<Sha256Digest> ContentsOf(LocalStore store, IEnumerable<StorePath> paths, CancellationToken cancel)
    {
        var contents = new HashSet<Sha256Digest>();
        foreach (var path in paths)
        {
            using var index = new NarIndexSink(Stream.Null);
            FileSystemNarSource.Read(store.PhysicalPath(path), index, cancel);
            index.Finish();
            contents.UnionWith(index.Files.Keys);
        }
        return contents;
    }

    private static FileStream Open(string bundle)
    {
        try
        {
            return new FileStream(bundle, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{bundle}: cannot read: {e.Message}");
        }
    }

    private static async Task<SignedManifest> ReadSignedManifestAsync(TarReader tar, string bundle, IReadOnlyList<NixPublicKey> trustedKeys, CancellationToken cancel)
    {
        try
        {
            var manifestBytes = await ReadEntryAsync(tar, ManifestEntry, bundle, cancel);
            var signature = System.Text.Encoding.UTF8.GetString(await ReadEntryAsync(tar, SignatureEntry, bundle, cancel)).Trim();
            if (!trustedKeys.Any(k => k.Verifies(signature, manifestBytes)))
            {
                var signer = signature.Split(':')[0];
                throw new BadInputException(trustedKeys.Any(k => k.Name == signer)
                    ? $"{bundle}: its signature by '{signer}' does not match its manifest (tampered)"
                    : $"{bundle}: signed by '{signer}', which is not a trusted key");
            }
            return BundleManifest.Parse(manifestBytes) is { IsReadable: true } manifest
                ? new SignedManifest(manifest, signature.Split(':')[0])
                : throw new BadInputException($"{bundle}: the manifest is not a bundle manifest of format {BundleManifest.CurrentFormat} or {BundleManifest.SinceFormat}");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new BadInputException($"{bundle}: not a bundle, or truncated ({e.Message})");
        }
    }

    private static async Task<byte[]> ReadEntryAsync(TarReader tar, string name, string bundle, CancellationToken cancel)
    {
        var entry = await tar.GetNextEntryAsync(copyData: false, cancel);
        if (entry is null || entry.Name != name || entry.DataStream is null || entry.Length > MaxManifestBytes)
        {
            throw new BadInputException($"{bundle}: not a bundle (expected '{name}' next)");
        }
        using var buffer = new MemoryStream();
        await entry.DataStream.CopyToAsync(buffer, cancel);
        return buffer.ToArray();
    }

    private static async Task WriteBytesAsync(TarWriter tar, string name, byte[] bytes, CancellationToken cancel)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes), Mode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead };
        await tar.WriteEntryAsync(entry, cancel);
    }
}
