using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Store;

namespace QiTech.Os.Cache;

/// <summary>
/// Writes store paths with their closure into a binary cache, as <c>nix copy --to</c>: the
/// zstd-compressed NAR first, then the signed narinfo that makes it visible, then
/// <c>nix-cache-info</c>. A path whose narinfo is already there is skipped. Unless
/// <paramref name="fileLayer"/> is off, each path's file layer (<see cref="NarIndex"/> and
/// content blobs, see <see cref="FileLayerPusher"/>) goes in before its narinfo, so that a
/// machine holding an earlier version fetches only the files that changed; Nix clients
/// never look at it and keep reading the NAR. Without <paramref name="nar"/> only the file layer
/// is written: the narinfo still names the NAR uncompressed (its hash and size are the
/// NarHash's), but the file is not there, so the cache grows by about the files that changed and
/// serves QiTech machines only; a Nix client cannot fetch from it.
/// </summary>
/// <param name="present">File contents the readers of this cache have already (a bundle since a system): no blob is written for them.</param>
public sealed class CachePusher(LocalStore store, ICacheTransport cache, NixSecretKey? key, int zstdLevel = 3, bool fileLayer = true, bool nar = true,
    IReadOnlySet<Sha256Digest>? present = null)
{
    public const string CacheInfoFile = "nix-cache-info";

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
                var size = await PushOneAsync(path, token);
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

    private async Task<long> PushOneAsync(StorePath path, CancellationToken cancel)
    {
        var info = store.QueryPathInfo(path) ?? throw new CacheException($"{store.Render(path)}: not a valid store path");
        var (physical, shown) = (store.PhysicalPath(path), store.Render(path));
        var temp = cache.NewStagingFile();
        var frames = new Dictionary<Sha256Digest, Task<string>>();
        using var limit = new SemaphoreSlim(Math.Max(2, Environment.ProcessorCount));
        try
        {
            var narIsIn = false;
            var fileHash = info.NarHash;
            var fileSize = info.NarSize;
            if (!fileLayer)
            {
                (fileHash, fileSize) = await Task.Run(() => WriteNar(physical, shown, info, temp, cancel), cancel);
            }
            else
            {
                // A first read only hashes (cheap), so that the compressing can be shared out:
                // each large file compressed once, as its blob and as a frame of the NAR, starting
                // as soon as that read has passed it.
                var layer = new FileLayerPusher(cache, zstdLevel, present);
                void StartFrame(Sha256Digest content, byte[] relativePath, long size)
                {
                    if (!nar || size < FramedNarWriter.OwnFrameFrom)
                    {
                        return;
                    }
                    frames[content] = Task.Run(async () =>
                    {
                        await limit.WaitAsync(cancel);
                        try
                        {
                            return layer.StageFile(physical, shown, content, relativePath, cancel);
                        }
                        finally
                        {
                            limit.Release();
                        }
                    }, cancel);
                }
                var (index, files, inOrder) = await Task.Run(() => Index(physical, shown, info, StartFrame, checkNarHash: !nar, cancel), cancel);
                var needsLayer = !await layer.HasLayerAsync(info.NarHash, cancel);
                var narWritten = nar
                    ? Task.Factory.StartNew(() => WriteFramedNar(physical, shown, info, temp, frames, inOrder, cancel), cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                    : Task.FromResult((info.NarHash, info.NarSize, (IReadOnlyList<(Sha256Digest, long, long)>)[], new FrameMap([])));
                // With the NAR, every file is in it as a frame or part of one: blobs only without.
                var smallBlobs = needsLayer && !nar
                    ? layer.PushBlobsAsync(physical, shown, files, cancel)
                    : Task.FromResult(0L);
                await Task.WhenAll(narWritten, smallBlobs);
                (fileHash, fileSize, var framesInNar, var map) = await narWritten;
                if (needsLayer && nar)
                {
                    // The files' blobs are their frames in the NAR: the NAR goes in first, so that
                    // no reference or map names a file that is not there yet.
                    var url = NarUrl(fileHash, CacheCompression.Zstd);
                    await cache.WriteAsync(url, temp, "application/x-nix-nar", cancel);
                    narIsIn = true;
                    await layer.PushFrameRefsAsync(url, framesInNar, cancel);
                    await layer.PushFrameMapAsync(info.NarHash, map, cancel);
                }
                if (needsLayer)
                {
                    await layer.PushIndexAsync(info.NarHash, index, cancel);
                }
            }
            var compression = nar ? CacheCompression.Zstd : CacheCompression.None;
            var narUrl = NarUrl(fileHash, compression);
            if (nar && !narIsIn)
            {
                await cache.WriteAsync(narUrl, temp, "application/x-nix-nar", cancel);
            }
            var signatures = info.Signatures.ToList();
            if (key is not null)
            {
                var signature = key.Sign(NarInfo.Fingerprint(store.Layout.StoreDir, path, info.NarHash, info.NarSize, info.References));
                signatures.RemoveAll(s => s.StartsWith(key.Name + ":", StringComparison.Ordinal));
                signatures.Add(signature);
            }
            // Without the NAR, the narinfo names it as it would be, uncompressed: named, never written.
            var narInfo = new NarInfo(path, narUrl, compression, fileHash, fileSize, info.NarHash, info.NarSize,
                info.References, info.Deriver, signatures, info.ContentAddress);
            File.Delete(temp);
            await File.WriteAllTextAsync(temp, narInfo.Render(store.Layout.StoreDir), cancel);
            await cache.WriteAsync(NarInfo.FileName(path), temp, "text/x-nix-narinfo", cancel);
            return nar ? fileSize : 0;
        }
        finally
        {
            File.Delete(temp);
            // Frames still being made when something failed: wait for them, then remove what they staged.
            await Task.WhenAny(Task.WhenAll(frames.Values));
            foreach (var frame in frames.Values.Where(f => f.IsCompletedSuccessfully))
            {
                File.Delete(frame.Result);
            }
        }
    }

    /// <summary>
    /// Reads the tree once, hashing: the file layer's index and the files it names (also in the
    /// NAR's order). The NAR hash is checked against the store's record here only when no NAR is
    /// written: otherwise the writing checks it, of the bytes it writes.
    /// </summary>
    private static (ReadOnlyMemory<byte> Index, IReadOnlyDictionary<Sha256Digest, (byte[] RelativePath, long Size)> Files, IReadOnlyList<(Sha256Digest, long)> InOrder) Index(
        string physical, string shown, PathInfo info, Action<Sha256Digest, byte[], long> newContent, bool checkNarHash, CancellationToken cancel)
    {
        var indexBytes = new MemoryStream();
        using var narHashing = new HashingStream();
        using var buffered = new BufferedStream(narHashing, 1 << 16);
        using var index = new NarIndexSink(indexBytes, newContent);
        FileSystemNarSource.Read(physical, checkNarHash ? new NarTee(new NarSerializer(buffered), index) : index, cancel);
        index.Finish();
        if (checkNarHash)
        {
            buffered.Flush();
            CheckNarHash(shown, info, narHashing.Finish());
        }
        return (indexBytes.GetBuffer().AsMemory(0, (int)indexBytes.Length), index.Files, index.InOrder);
    }

    /// <summary>The compressed NAR in one stream, for a cache without the file layer. Returns its file hash and size.</summary>
    private (Sha256Digest, long) WriteNar(string physical, string shown, PathInfo info, string temp, CancellationToken cancel)
    {
        using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using var fileHashing = new HashingStream(file);
        using (var compressor = Zstd.Compress(fileHashing, zstdLevel, workers: Math.Min(2, Environment.ProcessorCount)))
        {
            using var narHashing = new HashingStream(compressor);
            using var buffered = new BufferedStream(narHashing, 1 << 16);
            FileSystemNarSource.Read(physical, new NarSerializer(buffered), cancel);
            buffered.Flush();
            CheckNarHash(shown, info, narHashing.Finish());
        }
        return (fileHashing.Finish(), fileHashing.BytesWritten);
    }

    private static string NarUrl(Sha256Digest fileHash, CacheCompression compression) => $"nar/{fileHash.ToBase32()}.nar{compression.Extension()}";

    /// <summary>
    /// The compressed NAR as frames (<see cref="FramedNarWriter"/>), large files' frames taken from
    /// <paramref name="frames"/> as they are done. Returns its file hash and size, where each large
    /// file's frame lies in it, and where the smaller files lie (<see cref="FrameMap"/>).
    /// </summary>
    private (Sha256Digest, long, IReadOnlyList<(Sha256Digest, long, long)>, FrameMap) WriteFramedNar(string physical, string shown, PathInfo info, string temp,
        IReadOnlyDictionary<Sha256Digest, Task<string>> frames, IReadOnlyList<(Sha256Digest, long)> contents, CancellationToken cancel)
    {
        using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using var fileHashing = new HashingStream(file);
        using (var writer = new FramedNarWriter(fileHashing, zstdLevel, content => frames.TryGetValue(content, out var frame) ? frame.GetAwaiter().GetResult() : null, contents, shown))
        {
            FileSystemNarSource.Read(physical, writer, cancel);
            CheckNarHash(shown, info, writer.Finish().NarHash);
            return (fileHashing.Finish(), fileHashing.BytesWritten, writer.Frames, writer.Map);
        }
    }

    private static void CheckNarHash(string shown, PathInfo info, Sha256Digest narHash)
    {
        if (narHash != info.NarHash)
        {
            throw new CacheException($"{shown}: its contents no longer match the store's record (run 'qitech-os store verify --check-contents')");
        }
    }
}

public readonly record struct CachePushResult(int ClosureSize, int Pushed, long CompressedBytes);
