namespace QiTech.Os.Cache;

/// <summary>Reads and writes the files of one binary cache.</summary>
public interface ICacheTransport : IDisposable
{
    BinaryCacheUrl Url { get; }

    /// <summary>Where a writer makes its temporary files, so that <see cref="WriteAsync"/> can be a rename rather than a copy.</summary>
    string StagingDirectory { get; }

    /// <summary>Whether a staged file is renamed into the cache (a folder), so that its disk writeback can start while it is written.</summary>
    bool StagedFilesStay => false;

    /// <summary>A fresh name for a pusher's temporary file in <see cref="StagingDirectory"/>.</summary>
    string NewStagingFile() => Path.Combine(StagingDirectory, $".push-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");

    /// <summary>The file's contents, or null when the cache does not have it.</summary>
    Task<Stream?> OpenReadAsync(string file, CancellationToken cancel);

    Task<bool> ExistsAsync(string file, CancellationToken cancel);

    /// <summary>Puts <paramref name="localFile"/> in the cache as <paramref name="file"/>; readers never see half of it.</summary>
    Task WriteAsync(string file, string localFile, string contentType, CancellationToken cancel);

    /// <summary>
    /// Puts several files in the cache, each as <see cref="WriteAsync"/> would. A cache in a folder
    /// flushes them to disk together: one sync for a path's hundreds of blobs, not one each.
    /// </summary>
    Task WriteAllAsync(IReadOnlyList<CacheUpload> uploads, CancellationToken cancel) =>
        Parallel.ForEachAsync(uploads, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancel },
            async (upload, token) => await WriteAsync(upload.File, upload.LocalFile, upload.ContentType, token));

    static ICacheTransport Open(BinaryCacheUrl url) =>
        url.IsFile ? new FileCacheTransport(url) : new HttpCacheTransport(url);
}
