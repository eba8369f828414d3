using QiTech.Os.Errors;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Store;

namespace QiTech.Os.Cache;

/// <summary>
/// Fetches a NAR through the cache's file layer: its <see cref="NarIndex"/> (the chunk list, then
/// the chunks), then only the file
/// contents the local store lacks (looked up by SHA-256 in <c>.links</c>, the store's own
/// content index), each from its blob or, for a large file, its frame's range of a NAR
/// (<see cref="FrameRef"/>), and checked against its hash as it is staged. The NAR is then assembled as
/// a stream for the caller to check against the signed NarHash before anything is registered.
/// </summary>
internal sealed class FileLayerFetcher(LocalStore store)
{
    /// <summary>Slack over a blob's size for zstd's framing of content it cannot shrink.</summary>
    private const long FramingSlack = 1 << 16;

    /// <summary>
    /// The assembled NAR of <paramref name="info"/>, with its index and missing contents staged in
    /// <paramref name="staging"/>; null when the cache has no index for it (the caller reads the NAR).
    /// </summary>
    public async Task<Stream?> TryOpenAsync(NarInfo info, ICacheTransport cache, string staging, Action<long> onBytes, CancellationToken cancel)
    {
        var shown = store.Render(info.Path);
        var indexName = NarIndex.FileName(info.NarHash);
        var download = await cache.OpenReadAsync(indexName, cancel);
        if (download is null)
        {
            return null;
        }
        var place = $"{shown}: {cache.Url.Of(indexName)}";
        // An index is the NAR's structure plus 41 bytes per large file: never much past the NAR itself.
        var maxIndex = info.NarSize + info.NarSize / 64 + FramingSlack;
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
        NarIndex index;
        using (var joined = new MemoryStream())
        {
            foreach (var file in chunkFiles)
            {
                joined.Write(await File.ReadAllBytesAsync(file, cancel));
            }
            joined.Position = 0;
            index = NarIndex.Read(joined, info.NarSize, place);
        }
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
        // Files in a frame of the NAR (its frame map), a frame read once for all it holds; the rest by their blobs.
        var map = missing.Count > 0 ? await ReadFrameMapAsync(info, cache, shown, onBytes, cancel) : [];
        var framed = missing.Where(m => map.TryGetValue(m.Content, out var f) && f.Size == m.Size).Select(m => map[m.Content]).GroupBy(f => (f.FrameOffset, f.FrameLength)).ToList();
        await Parallel.ForEachAsync(framed, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancel }, async (frame, token) =>
        {
            var files = await StageFromFrameAsync(cache, info, shown, frame.Key, [.. frame.OrderBy(f => f.Skip)], staging, onBytes, token);
            lock (contents)
            {
                foreach (var (content, file) in files)
                {
                    contents[content] = file;
                }
            }
        });
        await Parallel.ForEachAsync(missing.Where(m => !contents.ContainsKey(m.Content)), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancel }, async (blob, token) =>
        {
            var file = Path.Combine(staging, blob.Content.ToBase32());
            await StageBlobAsync(cache, shown, blob.Content, blob.Size, file, onBytes, token);
            lock (contents)
            {
                contents[blob.Content] = file;
            }
        });
        return new NarIndexStream(index, contents, place);
    }

    /// <summary>The NAR's <see cref="FrameMap"/> by content, or empty when the cache has none (written before frame maps, or without NARs).</summary>
    private static async Task<Dictionary<Sha256Digest, FramedFile>> ReadFrameMapAsync(NarInfo info, ICacheTransport cache, string shown, Action<long> onBytes, CancellationToken cancel)
    {
        var name = FrameMap.FileName(info.NarHash);
        var download = await cache.OpenReadAsync(name, cancel);
        if (download is null || info.Compression != CacheCompression.Zstd)
        {
            download?.Dispose();
            return [];
        }
        var place = $"{shown}: {cache.Url.Of(name)}";
        using var counted = new VerifyingReadStream(download, FrameMap.MaxSize(info.NarSize) + FramingSlack, onBytes, place);
        var map = await Task.Run(() => Decompressed(place, () =>
        {
            using var text = Zstd.Decompress(counted, leaveOpen: true);
            return FrameMap.Read(text, info.NarSize, info.FileSize ?? long.MaxValue, place);
        }), cancel);
        return map.Files.DistinctBy(f => f.Content).ToDictionary(f => f.Content);
    }

    /// <summary>
    /// Reads one frame of the NAR and takes out the files it holds that this machine lacks, in
    /// order, each checked against its hash; reads the frame only as far as the last of them ends.
    /// </summary>
    private static async Task<List<(Sha256Digest Content, string File)>> StageFromFrameAsync(ICacheTransport cache, NarInfo info, string shown,
        (long Offset, long Length) frame, IReadOnlyList<FramedFile> files, string staging, Action<long> onBytes, CancellationToken cancel)
    {
        var place = $"{shown}: {cache.Url.Of(info.Url)} (bytes {frame.Offset}+{frame.Length}, by {cache.Url.Of(FrameMap.FileName(info.NarHash))})";
        var download = await cache.OpenReadRangeAsync(info.Url, frame.Offset, frame.Length, cancel) ?? throw new CacheException($"{place} is missing");
        await using var counted = new VerifyingReadStream(download, frame.Length, onBytes, place);
        return await Task.Run(() => Decompressed(place, () =>
        {
            using var output = Zstd.Decompress(counted, leaveOpen: true);
            var staged = new List<(Sha256Digest, string)>();
            var buffer = new byte[1 << 16];
            long position = 0;
            foreach (var file in files)
            {
                if (file.Skip < position)
                {
                    throw new CacheException($"{place}: the frame map names overlapping files");
                }
                for (var skip = file.Skip - position; skip > 0;)
                {
                    var n = output.Read(buffer.AsSpan(0, (int)Math.Min(buffer.Length, skip)));
                    if (n == 0)
                    {
                        throw new CacheException($"{place} ends before the file {file.Content.ToBase32()} its frame map names");
                    }
                    skip -= n;
                }
                var path = Path.Combine(staging, file.Content.ToBase32());
                using (var written = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                using (var hashing = new HashingStream(written))
                {
                    for (var left = file.Size; left > 0;)
                    {
                        cancel.ThrowIfCancellationRequested();
                        var n = output.Read(buffer.AsSpan(0, (int)Math.Min(buffer.Length, left)));
                        if (n == 0)
                        {
                            break;
                        }
                        hashing.Write(buffer.AsSpan(0, n));
                        left -= n;
                    }
                    var actual = hashing.Finish();
                    if (hashing.BytesWritten != file.Size || actual != file.Content)
                    {
                        throw new CacheException($"{place}: the file its frame map names hashes to {actual.ToBase32()} ({hashing.BytesWritten} bytes), not {file.Content.ToBase32()} ({file.Size} bytes)");
                    }
                }
                staged.Add((file.Content, path));
                position = file.Skip + file.Size;
            }
            return staged;
        }), cancel);
    }

    private static async Task StageBlobAsync(ICacheTransport cache, string shown, Sha256Digest content, long size, string file, Action<long> onBytes, CancellationToken cancel)
    {
        var name = NarIndex.BlobName(content);
        var place = $"{shown}: {cache.Url.Of(name)}";
        var blob = await cache.OpenReadAsync(name, cancel);
        if (blob is null && await OpenFrameAsync(cache, shown, content, cancel) is var (frame, framePlace))
        {
            (blob, place) = (frame, framePlace);
        }
        await using var download = blob ?? throw new CacheException($"{place} is missing");
        using var counted = new VerifyingReadStream(download, size + size / 64 + FramingSlack, onBytes, place);
        await Task.Run(() => Decompressed(place, () =>
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

    /// <summary>A large file's frame inside a NAR, by its <see cref="FrameRef"/>; null when the cache has no reference either.</summary>
    private static async Task<(Stream, string)?> OpenFrameAsync(ICacheTransport cache, string shown, Sha256Digest content, CancellationToken cancel)
    {
        var name = FrameRef.FileName(content);
        var place = $"{shown}: {cache.Url.Of(name)}";
        string text;
        await using (var download = await cache.OpenReadAsync(name, cancel))
        {
            if (download is null)
            {
                return null;
            }
            var bytes = new byte[FrameRef.MaxSize + 1];
            var n = await download.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancel);
            text = n <= FrameRef.MaxSize ? System.Text.Encoding.ASCII.GetString(bytes, 0, n) : "";
        }
        var frame = FrameRef.Parse(text, place);
        var inNar = $"{shown}: {cache.Url.Of(frame.NarFile)} (bytes {frame.Offset}+{frame.Length}, by {cache.Url.Of(name)})";
        return await cache.OpenReadRangeAsync(frame.NarFile, frame.Offset, frame.Length, cancel) is { } stream
            ? (stream, inNar)
            : throw new CacheException($"{inNar} is missing");
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
