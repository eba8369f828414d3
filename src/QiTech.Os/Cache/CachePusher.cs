using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Cache;

/// <summary>
/// Writes store paths with their closure into a binary cache, as <c>nix copy --to</c>: the
/// zstd-compressed NAR first, then the signed narinfo that makes it visible, then
/// <c>nix-cache-info</c>. A path whose narinfo is already there is skipped. The NAR is one zstd
/// stream, compressed on two threads with long-distance matching: what Nix writes, a little
/// smaller. Unless <paramref name="fileLayer"/> is off, each path's file layer goes in before its
/// narinfo: its <see cref="NarIndex"/>, and a blob for each content the last version pushed under
/// the same name lacked (<see cref="PreviousVersion"/>), so that a machine holding any earlier
/// version fetches only the files that changed; Nix clients never look at it and keep reading
/// the NAR. Without <paramref name="nar"/> only the file layer is written, with a blob for every
/// content the cache lacks: the narinfo still names the NAR uncompressed (its hash and size are
/// the NarHash's), but the file is not there, so the cache grows by about the files that changed
/// and serves QiTech machines only; a Nix client cannot fetch from it.
/// </summary>
/// <param name="present">File contents the readers of this cache have already (a bundle since a system): no blob is written for them.</param>
public sealed class CachePusher(LocalStore store, ICacheTransport cache, NixSecretKey? key, int zstdLevel = 3, bool fileLayer = true, bool nar = true,
    IReadOnlySet<Sha256Digest>? present = null)
{
    public const string CacheInfoFile = "nix-cache-info";

    /// <summary>
    /// zstd's long-distance window, 8 MiB: measured on a self-contained ASP.NET Core publish, the
    /// NAR comes out 1.1 % smaller than zstd's own at level 3 (what Nix writes) for the same CPU.
    /// Readers need no setting: zstd decodes windows up to 128 MiB by default, Nix's reader too.
    /// </summary>
    private const int LongWindowLog = 23;

    private readonly FileLayerPusher _layer = new(cache, zstdLevel, present);

    public async Task<CachePushResult> PushAsync(IEnumerable<StorePath> roots, IProgress<string>? log, CancellationToken cancel,
        IReadOnlySet<StorePath>? exclude = null)
    {
        if (!nar && !fileLayer)
        {
            throw new ArgumentException("a cache without NARs needs the file layer");
        }
        var closure = store.Closure(roots).Where(p => exclude is null || !exclude.Contains(p)).Order().ToList();
        var pushed = 0;
        long bytes = 0;
        await WriteCacheInfoAsync(cancel);
        await Parallel.ForEachAsync(closure, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancel },
            async (path, token) =>
            {
                if (await cache.ExistsAsync(NarInfo.FileName(path), token))
                {
                    return;
                }
                var size = await PushOneAsync(path, log, token);
                Interlocked.Increment(ref pushed);
                Interlocked.Add(ref bytes, size);
                log?.Report($"pushed {store.Render(path)} ({size} bytes compressed)");
            });
        return new CachePushResult(closure.Count, pushed, bytes);
    }

    private async Task WriteCacheInfoAsync(CancellationToken cancel)
    {
        if (await cache.ExistsAsync(CacheInfoFile, cancel))
        {
            return;
        }
        var temp = cache.NewStagingFile();
        try
        {
            await File.WriteAllTextAsync(temp, $"StoreDir: {store.Layout.StoreDir}\nWantMassQuery: 1\nPriority: 40\n", cancel);
            await cache.WriteAsync(CacheInfoFile, temp, "text/x-nix-cache-info", cancel);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task<long> PushOneAsync(StorePath path, IProgress<string>? log, CancellationToken cancel)
    {
        var info = store.QueryPathInfo(path) ?? throw new CacheException($"{store.Render(path)}: not a valid store path");
        var (physical, shown) = (store.PhysicalPath(path), store.Render(path));
        var temp = cache.NewStagingFile();
        try
        {
            var fileHash = info.NarHash;
            var fileSize = info.NarSize;
            if (nar)
            {
                // One read: the NAR compressed and hashed, and (with the file layer) its index.
                var (hash, size, index, files) = await Task.Factory.StartNew(() => WriteNar(physical, shown, info, temp, fileLayer, cancel),
                    cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                (fileHash, fileSize) = (hash, size);
                await cache.WriteAsync(NarUrl(fileHash, CacheCompression.Zstd), temp, "application/x-nix-nar", cancel);
                if (fileLayer && !await _layer.HasLayerAsync(info.NarHash, cancel))
                {
                    await _layer.PushBlobsAsync(physical, shown, await ChangedSincePreviousAsync(path, info, files, log, cancel), cancel);
                    await _layer.PushIndexAsync(info.NarHash, index, cancel);
                }
            }
            else if (!await _layer.HasLayerAsync(info.NarHash, cancel))
            {
                var (index, files) = await Task.Run(() => Index(physical, shown, info, cancel), cancel);
                await _layer.PushBlobsAsync(physical, shown, files, cancel);
                await _layer.PushIndexAsync(info.NarHash, index, cancel);
            }
            var compression = nar ? CacheCompression.Zstd : CacheCompression.None;
            var signatures = info.Signatures.ToList();
            if (key is not null)
            {
                var signature = key.Sign(NarInfo.Fingerprint(store.Layout.StoreDir, path, info.NarHash, info.NarSize, info.References));
                signatures.RemoveAll(s => s.StartsWith(key.Name + ":", StringComparison.Ordinal));
                signatures.Add(signature);
            }
            // Without the NAR, the narinfo names it as it would be, uncompressed: named, never written.
            var narInfo = new NarInfo(path, NarUrl(fileHash, compression), compression, fileHash, fileSize, info.NarHash, info.NarSize,
                info.References, info.Deriver, signatures, info.ContentAddress);
            await WriteTextAsync(temp, NarInfo.FileName(path), narInfo.Render(store.Layout.StoreDir), "text/x-nix-narinfo", cancel);
            if (nar && fileLayer)
            {
                // Last: the next push of this name compares with a version that is wholly in.
                await WriteTextAsync(temp, PreviousVersion.FileName(path), new PreviousVersion(info.NarHash, info.NarSize).Render(), "text/plain", cancel);
            }
            return nar ? fileSize : 0;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Puts a small text file in the cache through the push's staging file (which a file cache renames away).</summary>
    private async Task WriteTextAsync(string temp, string file, string text, string contentType, CancellationToken cancel)
    {
        await File.WriteAllTextAsync(temp, text, cancel);
        await cache.WriteAsync(file, temp, contentType, cancel);
    }

    /// <summary>
    /// The files of <paramref name="files"/> whose contents the last version pushed under this
    /// path's name lacks: those a machine holding that version, or any pushed before it, is
    /// missing. None when the cache names no such version or its index cannot be read (then
    /// machines read the whole NAR).
    /// </summary>
    private async Task<IReadOnlyList<KeyValuePair<Sha256Digest, (byte[] RelativePath, long Size)>>> ChangedSincePreviousAsync(StorePath path, PathInfo info,
        IReadOnlyDictionary<Sha256Digest, (byte[] RelativePath, long Size)> files, IProgress<string>? log, CancellationToken cancel)
    {
        // The pointer is a hint from the cache: one naming a NAR far larger than this one is not
        // followed, so that a damaged cache cannot make a push read an index without bound.
        if (await PreviousVersion.ReadAsync(cache, path, cancel) is not { } previous || previous.NarHash == info.NarHash
            || previous.NarSize > 4 * info.NarSize + (1 << 20))
        {
            return [];
        }
        var staging = Directory.CreateTempSubdirectory("qitech-push-");
        try
        {
            var index = await FileLayerFetcher.ReadIndexAsync(cache, previous.NarHash, previous.NarSize, store.Render(path), staging.FullName, _ => { }, cancel);
            if (index is null)
            {
                return [];
            }
            var had = index.Files;
            return [.. files.Where(f => !had.ContainsKey(f.Key))];
        }
        catch (CacheException e)
        {
            log?.Report($"warning: {e.Message}; machines will fetch the whole NAR");
            return [];
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    /// <summary>The file layer's index and the files it names, from one read of the tree whose NAR hash is checked against the store's record.</summary>
    private static (ReadOnlyMemory<byte> Index, IReadOnlyDictionary<Sha256Digest, (byte[] RelativePath, long Size)> Files) Index(
        string physical, string shown, PathInfo info, CancellationToken cancel)
    {
        var indexBytes = new MemoryStream();
        using var index = new NarIndexSink(indexBytes);
        ReadTree(physical, shown, info, null, index, cancel);
        return (indexBytes.GetBuffer().AsMemory(0, (int)indexBytes.Length), index.Files);
    }

    /// <summary>
    /// The compressed NAR in one stream, with (<paramref name="withIndex"/>) the file layer's index
    /// from the same read. Returns its file hash and size, the index and the files it names.
    /// </summary>
    private (Sha256Digest, long, ReadOnlyMemory<byte>, IReadOnlyDictionary<Sha256Digest, (byte[] RelativePath, long Size)>) WriteNar(
        string physical, string shown, PathInfo info, string temp, bool withIndex, CancellationToken cancel)
    {
        var indexBytes = new MemoryStream();
        using var index = withIndex ? new NarIndexSink(indexBytes) : null;
        using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using var fileHashing = new HashingStream(Staged(file));
        using (var compressor = Zstd.Compress(fileHashing, zstdLevel, workers: Math.Min(2, Environment.ProcessorCount), longWindowLog: LongWindowLog))
        {
            ReadTree(physical, shown, info, compressor, index, cancel);
        }
        return (fileHashing.Finish(), fileHashing.BytesWritten, indexBytes.GetBuffer().AsMemory(0, (int)indexBytes.Length),
            index?.Files ?? new Dictionary<Sha256Digest, (byte[], long)>());
    }

    /// <summary>
    /// Reads the tree once as its NAR, into <paramref name="nar"/> when given and into
    /// <paramref name="index"/> when given, and checks the NAR's hash against the store's record.
    /// </summary>
    private static void ReadTree(string physical, string shown, PathInfo info, Stream? nar, NarIndexSink? index, CancellationToken cancel)
    {
        using var narHashing = new HashingStream(nar);
        using var buffered = new BufferedStream(narHashing, 1 << 16);
        var serializer = new NarSerializer(buffered);
        FileSystemNarSource.Read(physical, index is null ? serializer : new NarTee(serializer, index), cancel);
        buffered.Flush();
        CheckNarHash(shown, info, narHashing.Finish());
        index?.Finish();
    }

    /// <summary>The NAR's staging file, with its disk writeback started as it is written when it will be the cache's own.</summary>
    private Stream Staged(FileStream file) => cache.StagedFilesStay ? new WritebackStream(file) : file;

    private static string NarUrl(Sha256Digest fileHash, CacheCompression compression) => $"nar/{fileHash.ToBase32()}.nar{compression.Extension()}";

    private static void CheckNarHash(string shown, PathInfo info, Sha256Digest narHash)
    {
        if (narHash != info.NarHash)
        {
            throw new CacheException($"{shown}: its contents no longer match the store's record (run 'qitech-os store verify --check-contents')");
        }
    }
}

public readonly record struct CachePushResult(int ClosureSize, int Pushed, long CompressedBytes);
