using System.Text;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using ZstdSharp;

namespace QiTech.Os.Cache;

/// <summary>
/// Puts a store path's file layer into a cache beside its NAR: each file content the cache
/// lacks as its own zstd blob (content shared with any earlier version is not written again:
/// the global dedup), then the NAR's <see cref="NarIndex"/>. Blobs go first so that an index
/// never names a blob that is not there yet.
/// </summary>
internal sealed class FileLayerPusher(ICacheTransport cache, int zstdLevel)
{
    /// <summary>Uploads what is missing; <paramref name="indexFile"/> is the compressed index already written locally. Returns bytes written to the cache.</summary>
    public async Task<long> PushAsync(string physicalPath, string shown, Sha256Digest narHash, string indexFile,
        IReadOnlyDictionary<Sha256Digest, (byte[] RelativePath, long Size)> files, CancellationToken cancel)
    {
        var indexName = NarIndex.FileName(narHash);
        if (await cache.ExistsAsync(indexName, cancel))
        {
            return 0;
        }
        long written = 0;
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancel }, async (file, token) =>
        {
            var name = NarIndex.BlobName(file.Key);
            if (!await cache.ExistsAsync(name, token))
            {
                Interlocked.Add(ref written, await PushBlobAsync(physicalPath, shown, file.Key, file.Value.RelativePath, name, token));
            }
        });
        var indexSize = new FileInfo(indexFile).Length;
        await cache.WriteAsync(indexName, indexFile, "application/octet-stream", cancel);
        return written + indexSize;
    }

    private async Task<long> PushBlobAsync(string physicalPath, string shown, Sha256Digest content, byte[] relativePath, string name, CancellationToken cancel)
    {
        var temp = Path.Combine(cache.StagingDirectory, $".push-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        try
        {
            // Store names are bytes, not necessarily UTF-8: the file is opened by its raw path.
            var where = shown + Encoding.UTF8.GetString(relativePath);
            var fd = Posix.Open(Posix.AtFdCwd, Posix.Z([.. Encoding.UTF8.GetBytes(physicalPath), .. relativePath]), Posix.ORdOnly | Posix.ONoFollow, 0, where);
            Sha256Digest actual;
            await using (var source = new FileStream(Posix.Handle(fd), FileAccess.Read, 1 << 16))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var compressor = new CompressionStream(file, zstdLevel, leaveOpen: true);
                using var hashing = new HashingStream(compressor);
                await source.CopyToAsync(hashing, cancel);
                actual = hashing.Finish();
            }
            if (actual != content)
            {
                throw new CacheException($"{where}: changed while it was pushed (run 'qitech-os store verify --check-contents')");
            }
            var size = new FileInfo(temp).Length;
            await cache.WriteAsync(name, temp, "application/zstd", cancel);
            return size;
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
