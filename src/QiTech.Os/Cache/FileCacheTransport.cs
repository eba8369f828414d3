using QiTech.Os.Errors;

namespace QiTech.Os.Cache;

/// <summary>A cache in a local folder (then served by any static file server, bucket or CDN).</summary>
public sealed class FileCacheTransport(BinaryCacheUrl url) : ICacheTransport
{
    private readonly string _root = url.Uri.LocalPath;

    public BinaryCacheUrl Url => url;

    public bool StagedFilesStay => true;

    public string StagingDirectory
    {
        get
        {
            Directory.CreateDirectory(_root);
            return _root;
        }
    }

    public Task<Stream?> OpenReadAsync(string file, CancellationToken cancel) => Task.FromResult(Open(file));

    private Stream? Open(string file)
    {
        var path = Path.Combine(_root, file);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new QiTechOsException($"{path}: cannot read: {e.Message}");
        }
    }

    public Task<bool> ExistsAsync(string file, CancellationToken cancel) => Task.FromResult(File.Exists(Path.Combine(_root, file)));

    public Task WriteAsync(string file, string localFile, string contentType, CancellationToken cancel)
    {
        var target = Path.Combine(_root, file);
        var staged = IsStaged(localFile);
        var temp = staged ? localFile : Path.Combine(_root, $".{Path.GetFileName(target)}.{Environment.ProcessId}.tmp");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!staged)
            {
                File.Copy(localFile, temp, overwrite: true);
            }
            // On disk before it is visible: a narinfo must never name a NAR a power cut emptied.
            using (var written = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
            {
                written.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!staged)
            {
                File.Delete(temp);
            }
            throw new QiTechOsException($"{target}: cannot write: {e.Message}");
        }
        return Task.CompletedTask;
    }

    public async Task WriteAllAsync(IReadOnlyList<CacheUpload> uploads, CancellationToken cancel)
    {
        var staged = uploads.Where(u => IsStaged(u.LocalFile)).ToList();
        if (staged.Count > 0)
        {
            // On disk before any is visible, as for one file, with one flush of the file system.
            Platform.Posix.SyncFileSystem(_root);
            foreach (var upload in staged)
            {
                cancel.ThrowIfCancellationRequested();
                var target = Path.Combine(_root, upload.File);
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Move(upload.LocalFile, target, overwrite: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new QiTechOsException($"{target}: cannot write: {e.Message}");
                }
            }
        }
        foreach (var upload in uploads.Where(u => !IsStaged(u.LocalFile)))
        {
            await WriteAsync(upload.File, upload.LocalFile, upload.ContentType, cancel);
        }
    }

    private bool IsStaged(string localFile) => Path.GetDirectoryName(Path.GetFullPath(localFile)) == Path.GetFullPath(_root).TrimEnd('/');

    public void Dispose()
    {
    }
}
