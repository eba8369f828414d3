using QiTech.Os.Errors;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Store;

namespace QiTech.Os.Cache;

/// <summary>
/// Fetches a NAR through the cache's file layer: its <see cref="NarIndex"/> (the chunk list, then
/// the chunks), then only the file contents the local store lacks (looked up by SHA-256 in
/// <c>.links</c>, the store's own content index), each from its blob, checked against its hash as
/// it is staged. The NAR is then assembled as a stream for the caller to check against the signed
/// NarHash before anything is registered. A cache with NARs holds blobs only for what changed
/// between versions pushed one after another (<see cref="PreviousVersion"/>): when a content the
/// machine lacks has none, or the machine lacks most of the NAR anyway, the whole NAR is read instead.
/// </summary>
internal sealed class FileLayerFetcher(LocalStore store)
{
    /// <summary>Slack over a blob's size for zstd's framing of content it cannot shrink.</summary>
    private const long FramingSlack = 1 << 16;

    /// <summary>
    /// The assembled NAR of <paramref name="info"/>, with its index and missing contents staged in
    /// <paramref name="staging"/>; null when the caller should read the whole NAR (no index, or
    /// blobs missing from a cache that has the NAR).
    /// </summary>
    public async Task<Stream?> TryOpenAsync(NarInfo info, ICacheTransport cache, string staging, Action<long> onBytes, CancellationToken cancel)
    {
        var shown = store.Render(info.Path);
        if (await ReadIndexAsync(cache, info.NarHash, info.NarSize, shown, staging, onBytes, cancel) is not { } index)
        {
            return null;
        }
        var place = $"{shown}: {cache.Url.Of(NarIndex.FileName(info.NarHash))}";
        var contents = new Dictionary<Sha256Digest, string>();
        var missing = new List<(Sha256Digest Content, long Size)>();
        foreach (var (content, size) in index.Files)
        {
            if (store.Links.FindContent(content) is { } local)
            {
                contents[content] = local;
            }
            else
            {
                missing.Add((content, size));
            }
        }
        // With the NAR there, a blob may be absent (no version this machine has was pushed right
        // before one that changed it): then the whole NAR. So it is when most of the NAR is
        // missing anyway, its one compressed stream costing less than the blobs.
        var narThere = info.Compression != CacheCompression.None;
        if (narThere && missing.Sum(m => m.Size) > info.NarSize / 2)
        {
            return null;
        }
        var absent = false;
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancel }, async (blob, token) =>
        {
            var file = Path.Combine(staging, blob.Content.ToBase32());
            if (Volatile.Read(ref absent) || !await StageBlobAsync(cache, shown, blob.Content, blob.Size, file, onBytes, token, mayBeAbsent: narThere))
            {
                Volatile.Write(ref absent, true);
                return;
            }
            lock (contents)
            {
                contents[blob.Content] = file;
            }
        });
        return absent ? null : new NarIndexStream(index, contents, place);
    }

    /// <summary>
    /// The <see cref="NarIndex"/> a cache holds for a NAR: its chunk list, then the chunks, each
    /// checked against its hash and staged in <paramref name="staging"/>. Null when the cache has none.
    /// </summary>
    public static async Task<NarIndex?> ReadIndexAsync(ICacheTransport cache, Sha256Digest narHash, long narSize, string shown, string staging,
        Action<long> onBytes, CancellationToken cancel)
    {
        var indexName = NarIndex.FileName(narHash);
        var download = await cache.OpenReadAsync(indexName, cancel);
        if (download is null)
        {
            return null;
        }
        var place = $"{shown}: {cache.Url.Of(indexName)}";
        // An index is the NAR's structure plus 41 bytes per large file: never much past the NAR itself.
        var maxIndex = narSize + narSize / 64 + FramingSlack;
        List<(Sha256Digest Content, int Size)> chunks;
        using (var counted = new VerifyingReadStream(download, maxIndex, onBytes, place))
        {
            chunks = await Task.Run(() => Decompressed(place, () =>
            {
                using var list = Zstd.Decompress(counted, leaveOpen: true);
                return IndexChunkList.Read(list, maxIndex, place);
            }), cancel);
        }
        Directory.CreateDirectory(staging);
        var chunkFiles = chunks.Select(c => Path.Combine(staging, "index-" + c.Content.ToBase32())).ToList();
        await Parallel.ForEachAsync(chunks.Select((c, i) => (c.Content, c.Size, File: chunkFiles[i])).DistinctBy(c => c.Content),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancel },
            async (chunk, token) => await StageBlobAsync(cache, shown, chunk.Content, chunk.Size, chunk.File, onBytes, token));
        using var joined = new MemoryStream();
        foreach (var file in chunkFiles)
        {
            joined.Write(await File.ReadAllBytesAsync(file, cancel));
        }
        joined.Position = 0;
        return NarIndex.Read(joined, narSize, place);
    }

    /// <summary>
    /// Downloads a blob into <paramref name="file"/>, checked against its content hash and size.
    /// False when the cache lacks it and <paramref name="mayBeAbsent"/>; otherwise its absence is an error.
    /// </summary>
    private static async Task<bool> StageBlobAsync(ICacheTransport cache, string shown, Sha256Digest content, long size, string file, Action<long> onBytes,
        CancellationToken cancel, bool mayBeAbsent = false)
    {
        var name = NarIndex.BlobName(content);
        var place = $"{shown}: {cache.Url.Of(name)}";
        var opened = await cache.OpenReadAsync(name, cancel);
        if (opened is null && mayBeAbsent)
        {
            return false;
        }
        await using var download = opened ?? throw new CacheException($"{place} is missing");
        using var counted = new VerifyingReadStream(download, size + size / 64 + FramingSlack, onBytes, place);
        return await Task.Run(() => Decompressed(place, () =>
        {
            using var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            using var hashing = new HashingStream(output);
            using var blob = Zstd.Decompress(counted, leaveOpen: true);
            var buffer = new byte[1 << 16];
            int n;
            while ((n = blob.Read(buffer)) > 0)
            {
                cancel.ThrowIfCancellationRequested();
                if (hashing.BytesWritten + n > size)
                {
                    throw new CacheException($"{place}: longer than the {size} bytes its index names");
                }
                hashing.Write(buffer.AsSpan(0, n));
            }
            var actual = hashing.Finish();
            if (hashing.BytesWritten != size || actual != content)
            {
                throw new CacheException($"{place} hashes to {actual.ToBase32()} ({hashing.BytesWritten} bytes), not the content its name and index give ({size} bytes)");
            }
            return true;
        }), cancel);
    }

    /// <summary>A corrupt zstd stream surfaces as the decompressor's own exception type: named as damage to <paramref name="place"/>.</summary>
    private static T Decompressed<T>(string place, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not (QiTechOsException or OperationCanceledException or IOException or UnauthorizedAccessException))
        {
            throw new CacheException($"{place} is damaged: {e.Message}");
        }
    }
}
