using System.Text;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using ZstdSharp;

namespace QiTech.Os.Cache;

/// <summary>
/// Puts a store path's file layer into a cache beside its NAR: each file content the cache
/// lacks as its own zstd blob (content shared with any earlier version is not written again:
/// the global dedup), the NAR's <see cref="NarIndex"/> cut into chunks stored as blobs the same
/// way (so a version that changes one file adds a chunk or two of index, not a whole index),
/// then the chunk list under the NAR hash. Blobs go first so that nothing names a blob that
/// is not there yet.
/// </summary>
internal sealed class FileLayerPusher(ICacheTransport cache, int zstdLevel)
{
    /// <summary>Uploads what is missing of <paramref name="index"/> (uncompressed) and the files it names. Returns bytes written to the cache.</summary>
    public async Task<long> PushAsync(string physicalPath, string shown, Sha256Digest narHash, ReadOnlyMemory<byte> index,
        IReadOnlyDictionary<Sha256Digest, (byte[] RelativePath, long Size)> files, CancellationToken cancel)
    {
        var indexName = NarIndex.FileName(narHash);
        if (await cache.ExistsAsync(indexName, cancel))
        {
            return 0;
        }
        var chunks = IndexChunker.Split(index.Span).Select(c => (Content: Sha256Digest.Of(index.Span.Slice(c.Start, c.Length)), c.Start, c.Length)).ToList();
        var blobs = files.Select(f => (Content: f.Key, Write: (Action<Stream>)(output => CopyStoreFile(physicalPath, shown, f.Key, f.Value.RelativePath, output))))
            .Concat(chunks.Select(c => (c.Content, Write: (Action<Stream>)(output => output.Write(index.Span.Slice(c.Start, c.Length))))))
            .DistinctBy(b => b.Content)
            .ToList();
        long written = 0;
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancel }, async (blob, token) =>
        {
            var name = NarIndex.BlobName(blob.Content);
            if (!await cache.ExistsAsync(name, token))
            {
                Interlocked.Add(ref written, await WriteCompressedAsync(name, blob.Write, "application/zstd", token));
            }
        });
        written += await WriteCompressedAsync(indexName, output => IndexChunkList.Write(output, [.. chunks.Select(c => (c.Content, c.Length))]),
            "application/octet-stream", cancel);
        return written;
    }

    private async Task<long> WriteCompressedAsync(string name, Action<Stream> write, string contentType, CancellationToken cancel)
    {
        var temp = Path.Combine(cache.StagingDirectory, $".push-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var compressor = new CompressionStream(file, zstdLevel, leaveOpen: true);
                await Task.Run(() => write(compressor), cancel);
            }
            var size = new FileInfo(temp).Length;
            await cache.WriteAsync(name, temp, contentType, cancel);
            return size;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Copies a file of the store path, by its raw name (store names are bytes, not necessarily UTF-8), checking it still holds <paramref name="content"/>.</summary>
    private static void CopyStoreFile(string physicalPath, string shown, Sha256Digest content, byte[] relativePath, Stream output)
    {
        var where = shown + Encoding.UTF8.GetString(relativePath);
        var fd = Posix.Open(Posix.AtFdCwd, Posix.Z([.. Encoding.UTF8.GetBytes(physicalPath), .. relativePath]), Posix.ORdOnly | Posix.ONoFollow, 0, where);
        using var source = new FileStream(Posix.Handle(fd), FileAccess.Read, 1 << 16);
        using var hashing = new HashingStream(output);
        source.CopyTo(hashing);
        if (hashing.Finish() != content)
        {
            throw new CacheException($"{where}: changed while it was pushed (run 'qitech-os store verify --check-contents')");
        }
    }
}
