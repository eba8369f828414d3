using System.Text;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Cache;

/// <summary>
/// Puts a store path's file layer into a cache beside its NAR: each file content given that the
/// cache lacks as its own zstd blob (content shared with any earlier version is not written
/// again: the global dedup); the NAR's <see cref="NarIndex"/> cut into chunks stored as blobs the
/// same way (so a version that changes one file adds a chunk or two of index, not a whole index);
/// then the chunk list under the NAR hash. Blobs go first so that nothing names a blob that is not there yet.
/// </summary>
/// <param name="present">Contents the cache's readers have already: never written.</param>
internal sealed class FileLayerPusher(ICacheTransport cache, int zstdLevel, IReadOnlySet<Sha256Digest>? present = null)
{
    /// <summary>Whether the cache already holds this NAR's file layer (its chunk list is written last).</summary>
    public Task<bool> HasLayerAsync(Sha256Digest narHash, CancellationToken cancel) => cache.ExistsAsync(NarIndex.FileName(narHash), cancel);

    /// <summary>Uploads the blobs the cache lacks of these files, compressing each. Returns bytes written to the cache.</summary>
    public async Task<long> PushBlobsAsync(string physicalPath, string shown,
        IEnumerable<KeyValuePair<Sha256Digest, (byte[] RelativePath, long Size)>> files, CancellationToken cancel)
    {
        var staged = new System.Collections.Concurrent.ConcurrentBag<CacheUpload>();
        try
        {
            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancel }, async (file, token) =>
            {
                if (!await HasContentAsync(file.Key, token))
                {
                    var blob = Stage(output => CopyStoreFile(physicalPath, shown, file.Key, file.Value.RelativePath, output), token);
                    staged.Add(new CacheUpload(NarIndex.BlobName(file.Key), blob, "application/zstd"));
                }
            });
            return await MoveInAsync([.. staged], cancel);
        }
        finally
        {
            Discard(staged);
        }
    }

    /// <summary>Whether the cache's readers have a content: already, or as its blob.</summary>
    private async Task<bool> HasContentAsync(Sha256Digest content, CancellationToken cancel) =>
        present?.Contains(content) == true || await cache.ExistsAsync(NarIndex.BlobName(content), cancel);

    /// <summary>
    /// The NAR's <see cref="NarIndex"/> (uncompressed) cut into chunks stored as blobs, then the
    /// chunk list under the NAR hash: last, so that it names only blobs that are there.
    /// </summary>
    public async Task<long> PushIndexAsync(Sha256Digest narHash, ReadOnlyMemory<byte> index, CancellationToken cancel)
    {
        var chunks = IndexChunker.Split(index.Span).Select(c => (Content: Sha256Digest.Of(index.Span.Slice(c.Start, c.Length)), c.Start, c.Length)).ToList();
        var staged = new List<CacheUpload>();
        try
        {
            foreach (var chunk in chunks.DistinctBy(c => c.Content))
            {
                var name = NarIndex.BlobName(chunk.Content);
                if (!await cache.ExistsAsync(name, cancel))
                {
                    staged.Add(new CacheUpload(name, Stage(output => output.Write(index.Span.Slice(chunk.Start, chunk.Length)), cancel), "application/zstd"));
                }
            }
            var written = await MoveInAsync(staged, cancel);
            var list = Stage(output => IndexChunkList.Write(output, [.. chunks.Select(c => (c.Content, c.Length))]), cancel);
            staged.Add(new CacheUpload(NarIndex.FileName(narHash), list, "application/octet-stream"));
            return written + await MoveInAsync([staged[^1]], cancel);
        }
        finally
        {
            Discard(staged);
        }
    }

    /// <summary>Writes what <paramref name="write"/> gives, zstd-compressed, to a new staging file of the cache's.</summary>
    private string Stage(Action<Stream> write, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        var temp = cache.NewStagingFile();
        try
        {
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            using var compressor = Zstd.Compress(file, zstdLevel);
            write(compressor);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        return temp;
    }

    /// <summary>Puts staged files in the cache, flushed together; returns their bytes.</summary>
    private async Task<long> MoveInAsync(IReadOnlyList<CacheUpload> staged, CancellationToken cancel)
    {
        var size = staged.Sum(u => new FileInfo(u.LocalFile).Length);
        await cache.WriteAllAsync(staged, cancel);
        return size;
    }

    /// <summary>Removes what is still staged: a file cache moved the rest in, an HTTP one sent copies.</summary>
    private static void Discard(IEnumerable<CacheUpload> staged)
    {
        foreach (var upload in staged)
        {
            File.Delete(upload.LocalFile);
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
