using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Store;
using ZstdSharp;

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
public sealed class CachePusher(LocalStore store, ICacheTransport cache, NixSecretKey? key, int zstdLevel = 3, bool fileLayer = true, bool nar = true)
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
        var temp = Path.Combine(cache.StagingDirectory, $".push-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
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
        var temp = Path.Combine(cache.StagingDirectory, $".push-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            // One read of the tree: NAR bytes are hashed (to check the store) and compressed;
            // the compressed bytes are hashed again on their way to the file.
            Sha256Digest narHash;
            long narSize;
            Sha256Digest fileHash;
            long fileSize;
            IReadOnlyDictionary<Sha256Digest, (byte[] RelativePath, long Size)>? files;
            using var indexBytes = new MemoryStream();
            await using (var file = nar ? new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16) : Stream.Null)
            {
                using var fileHashing = new HashingStream(file);
                using (var compressor = nar ? new CompressionStream(fileHashing, zstdLevel, leaveOpen: true) : null)
                {
                    compressor?.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_nbWorkers, Math.Min(2, Environment.ProcessorCount));
                    using var narHashing = new HashingStream(compressor ?? Stream.Null);
                    using var buffered = new BufferedStream(narHashing, 1 << 16);
                    using var index = fileLayer ? new NarIndexSink(indexBytes) : null;
                    INarSink sink = index is null ? new NarSerializer(buffered) : new NarTee(new NarSerializer(buffered), index);
                    FileSystemNarSource.Read(store.PhysicalPath(path), sink, cancel);
                    buffered.Flush();
                    index?.Finish();
                    files = index?.Files;
                    narHash = narHashing.Finish();
                    narSize = narHashing.BytesWritten;
                }
                fileHash = fileHashing.Finish();
                fileSize = fileHashing.BytesWritten;
            }
            if (narHash != info.NarHash)
            {
                throw new CacheException($"{store.Render(path)}: its contents no longer match the store's record (run 'qitech-os store verify --check-contents')");
            }
            if (files is not null)
            {
                await new FileLayerPusher(cache, zstdLevel).PushAsync(store.PhysicalPath(path), store.Render(path), info.NarHash,
                    indexBytes.GetBuffer().AsMemory(0, (int)indexBytes.Length), files, cancel);
            }
            var compression = nar ? CacheCompression.Zstd : CacheCompression.None;
            if (!nar)
            {
                // The NAR as it would be, uncompressed: named, never written.
                (fileHash, fileSize) = (narHash, narSize);
            }
            var url = $"nar/{fileHash.ToBase32()}.nar{compression.Extension()}";
            if (nar)
            {
                await cache.WriteAsync(url, temp, "application/x-nix-nar", cancel);
            }
            var signatures = info.Signatures.ToList();
            if (key is not null)
            {
                var signature = key.Sign(NarInfo.Fingerprint(store.Layout.StoreDir, path, info.NarHash, info.NarSize, info.References));
                signatures.RemoveAll(s => s.StartsWith(key.Name + ":", StringComparison.Ordinal));
                signatures.Add(signature);
            }
            var narInfo = new NarInfo(path, url, compression, fileHash, fileSize, info.NarHash, info.NarSize,
                info.References, info.Deriver, signatures, info.ContentAddress);
            File.Delete(temp);
            await File.WriteAllTextAsync(temp, narInfo.Render(store.Layout.StoreDir), cancel);
            await cache.WriteAsync(NarInfo.FileName(path), temp, "text/x-nix-narinfo", cancel);
            return nar ? fileSize : 0;
        }
        finally
        {
            File.Delete(temp);
        }
    }
}

public readonly record struct CachePushResult(int ClosureSize, int Pushed, long CompressedBytes);
