using System.Diagnostics;
using System.Text;
using QiTech.Os.Errors;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Cache;

/// <summary>
/// Fetches store paths with their closure from binary caches, as <c>nix copy --from</c>:
/// every narinfo must carry a signature by a trusted key over Nix's fingerprint, and every
/// NAR must hash to what the signed narinfo says before the path is registered. Paths are
/// downloaded in parallel, a layer at a time so that references are registered first; a
/// cancelled or failed download leaves nothing registered of that path.
/// </summary>
public sealed class CacheFetcher(LocalStore store, IReadOnlyList<ICacheTransport> caches, IReadOnlyList<NixPublicKey> trustedKeys)
{
    private const int MaxNarInfoBytes = 1 << 20;
    private long _bytesDownloaded;

    /// <summary>Bytes of NARs, indexes and file contents downloaded so far (narinfos not counted).</summary>
    public long BytesDownloaded => Interlocked.Read(ref _bytesDownloaded);

    /// <summary>The narinfos of the closure of <paramref name="roots"/> that is not in the store yet, by cache; throws if a root is missing everywhere.</summary>
    public async Task<IReadOnlyDictionary<StorePath, (NarInfo Info, ICacheTransport Cache)>> PlanAsync(IEnumerable<StorePath> roots, bool requireAll, CancellationToken cancel)
    {
        var plan = new Dictionary<StorePath, (NarInfo, ICacheTransport)>();
        var work = new Queue<StorePath>(roots.Where(r => !store.IsValid(r)));
        var seen = new HashSet<StorePath>(work);
        while (work.Count > 0)
        {
            var batch = new List<StorePath>();
            while (work.Count > 0)
            {
                batch.Add(work.Dequeue());
            }
            var found = await Task.WhenAll(batch.Select(p => FindAsync(p, cancel)));
            for (var i = 0; i < batch.Count; i++)
            {
                if (found[i] is not { } hit)
                {
                    if (requireAll)
                    {
                        throw new CacheException($"{store.Render(batch[i])}: no cache has it ({string.Join(", ", caches.Select(c => c.Url))})");
                    }
                    continue;
                }
                plan[batch[i]] = hit;
                foreach (var reference in hit.Info.References)
                {
                    if (reference != batch[i] && !store.IsValid(reference) && seen.Add(reference))
                    {
                        work.Enqueue(reference);
                    }
                }
            }
        }
        return plan;
    }

    /// <summary>Fetches the closure of <paramref name="roots"/>; returns the paths added.</summary>
    public async Task<IReadOnlyList<StorePath>> FetchAsync(IEnumerable<StorePath> roots, IProgress<CacheProgress>? progress, CancellationToken cancel)
    {
        var plan = await PlanAsync(roots, requireAll: true, cancel);
        return await FetchPlannedAsync(plan, progress, cancel);
    }

    public async Task<IReadOnlyList<StorePath>> FetchPlannedAsync(IReadOnlyDictionary<StorePath, (NarInfo Info, ICacheTransport Cache)> plan, IProgress<CacheProgress>? progress, CancellationToken cancel)
    {
        var added = new List<StorePath>();
        // Planned as whole NARs; a path fetched through the file layer corrects it once done.
        var bytesTotal = plan.Values.Sum(p => p.Info.FileSize ?? p.Info.NarSize);
        long bytesDone = 0;
        var pathsDone = 0;
        var clock = Stopwatch.StartNew();
        var remaining = new HashSet<StorePath>(plan.Keys);
        using var gcHold = store.HoldOffGarbageCollection();
        long lastReport = 0;
        void Report(string? finished)
        {
            // Byte-level reports at most twice a second; each finished path always.
            var now = clock.ElapsedMilliseconds;
            var last = Interlocked.Read(ref lastReport);
            if (finished is null && now - last < 500 || finished is null && Interlocked.CompareExchange(ref lastReport, now, last) != last)
            {
                return;
            }
            var done = Interlocked.Read(ref bytesDone);
            var total = Math.Max(done, Interlocked.Read(ref bytesTotal));
            TimeSpan? left = done > 0 && clock.Elapsed > TimeSpan.FromMilliseconds(200)
                ? TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds * (total - done) / done)
                : null;
            progress?.Report(new CacheProgress(pathsDone, plan.Count, done, total, left, finished));
        }
        while (remaining.Count > 0)
        {
            // A layer: every path whose references (other than itself) are already valid.
            var layer = remaining.Where(p => plan[p].Info.References.All(r => r == p || store.IsValid(r))).ToList();
            if (layer.Count == 0)
            {
                throw new CacheException($"{store.Render(remaining.First())}: its references form a cycle or are missing from the cache");
            }
            await Parallel.ForEachAsync(layer, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancel }, async (path, token) =>
            {
                var (info, cache) = plan[path];
                long pathBytes = 0;
                var imported = await ImportAsync(info, cache, n =>
                {
                    Interlocked.Add(ref pathBytes, n);
                    Interlocked.Add(ref bytesDone, n);
                    Interlocked.Add(ref _bytesDownloaded, n);
                    Report(null);
                }, token);
                Interlocked.Add(ref bytesTotal, Interlocked.Read(ref pathBytes) - (info.FileSize ?? info.NarSize));
                if (imported)
                {
                    lock (added)
                    {
                        added.Add(path);
                    }
                }
                Interlocked.Increment(ref pathsDone);
                Report(store.Render(path));
            });
            remaining.ExceptWith(layer);
        }
        return added;
    }

    private async Task<(NarInfo Info, ICacheTransport Cache)?> FindAsync(StorePath path, CancellationToken cancel)
    {
        foreach (var cache in caches)
        {
            var file = NarInfo.FileName(path);
            await using var stream = await cache.OpenReadAsync(file, cancel);
            if (stream is null)
            {
                continue;
            }
            var place = cache.Url.Of(file);
            using var limited = new VerifyingReadStream(stream, MaxNarInfoBytes, null, place);
            using var reader = new StreamReader(limited, Encoding.UTF8);
            var info = NarInfo.Parse(await reader.ReadToEndAsync(cancel), store.Layout.StoreDir, place);
            if (info.Path != path)
            {
                throw new CacheException($"{place}: describes {store.Render(info.Path)}, not {store.Render(path)}");
            }
            CheckSignature(info, place);
            return (info, cache);
        }
        return null;
    }

    private void CheckSignature(NarInfo info, string place)
    {
        var fingerprint = info.Fingerprint(store.Layout.StoreDir);
        if (info.Signatures.Any(s => trustedKeys.Any(k => k.Verifies(s, fingerprint))))
        {
            return;
        }
        var signers = info.Signatures.Select(s => s.Split(':')[0]).Distinct().ToList();
        throw new CacheException(signers.Count == 0
            ? $"{store.Render(info.Path)}: {place} is not signed"
            : trustedKeys.Any(k => signers.Contains(k.Name))
                ? $"{store.Render(info.Path)}: {place} has a signature by '{string.Join("', '", signers)}' that does not match its contents"
                : $"{store.Render(info.Path)}: {place} is signed only by untrusted keys ('{string.Join("', '", signers)}')");
    }

    private async Task<bool> ImportAsync(NarInfo info, ICacheTransport cache, Action<long> onBytes, CancellationToken cancel)
    {
        if (store.IsValid(info.Path))
        {
            return false;
        }
        using var temp = TempTree.Create(store.TmpDir, store.Links);
        using var narHashing = new HashingStream();
        // The file layer when the cache has one (only what the store lacks is downloaded), else the whole NAR.
        var assembled = await new FileLayerFetcher(store).TryOpenAsync(info, cache, Path.Combine(temp.Path, "blobs"), onBytes, cancel);
        var place = assembled is null ? cache.Url.Of(info.Url) : cache.Url.Of(NarIndex.FileName(info.NarHash));
        if (assembled is not null)
        {
            await using (assembled)
            {
                await Task.Run(() => ReadNar(info, place, temp, narHashing, () => assembled, null, cancel), cancel);
            }
        }
        else
        {
            await using var download = await cache.OpenReadAsync(info.Url, cancel)
                ?? throw new CacheException($"{store.Render(info.Path)}: {place} is missing");
            using var compressed = new VerifyingReadStream(download, info.FileSize, info.Compression == CacheCompression.None ? null : onBytes, place);
            // The NAR parser reads synchronously; run it off the caller's thread.
            await Task.Run(() =>
            {
                ReadNar(info, place, temp, narHashing, () => info.Compression.Decompress(new CountingStream(compressed), place),
                    info.Compression == CacheCompression.None ? onBytes : null, cancel);
                // What the decompressor did not need still counts towards the file's hash.
                compressed.CopyTo(Stream.Null);
            }, cancel);
            if (info.FileSize is { } fileSize && compressed.Count != fileSize)
            {
                throw new CacheException($"{store.Render(info.Path)}: {place} is {compressed.Count} bytes, not the FileSize {fileSize}");
            }
            if (info.FileHash is { } fileHash && compressed.Finish() is var actualFile && actualFile != fileHash)
            {
                throw new CacheException($"{store.Render(info.Path)}: {place} hashes to {actualFile.ToBase32()}, not the FileHash {fileHash.ToBase32()}");
            }
        }
        var narHash = narHashing.Finish();
        if (narHash != info.NarHash || narHashing.BytesWritten != info.NarSize)
        {
            throw new CacheException($"{store.Render(info.Path)}: the NAR from {place} hashes to {narHash.ToBase32()} ({narHashing.BytesWritten} bytes), not the signed {info.NarHash.ToBase32()} ({info.NarSize} bytes)");
        }
        var pathInfo = new PathInfo(info.Path, narHash, info.NarSize, info.References, info.Deriver, store.Time.GetUtcNow(), info.Signatures, info.ContentAddress);
        return store.MoveIntoStore(temp, pathInfo);
    }

    /// <summary>Parses the NAR <paramref name="open"/> gives into <paramref name="temp"/>, hashing it on the way.</summary>
    private void ReadNar(NarInfo info, string place, TempTree temp, HashingStream narHashing, Func<Stream> open, Action<long>? onNarBytes, CancellationToken cancel)
    {
        try
        {
            using var nar = open();
            using var sink = new StoreImportSink(temp, Posix.Z("out"), place);
            var reader = new NarReader(new LimitedStream(nar, info.NarSize, place, onNarBytes));
            reader.Read(new NarTee(new NarSerializer(narHashing), sink), cancel);
            reader.ExpectEnd();
            sink.Finish();
        }
        catch (Exception e) when (e is NarFormatException || e is not (QiTechOsException or OperationCanceledException or IOException or UnauthorizedAccessException))
        {
            // A corrupt compressed stream surfaces as the decompressor's own exception type.
            throw new CacheException($"{store.Render(info.Path)}: {place} is damaged: {e.Message}");
        }
    }

    /// <summary>The decompressed NAR, refused past the size the signed narinfo declares (a decompression bomb stops there).</summary>
    private sealed class LimitedStream(Stream inner, long limit, string place, Action<long>? onRead) : ForwardReadStream
    {
        private long _count;

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            _count += n;
            if (_count > limit)
            {
                throw new CacheException($"{place}: the NAR is longer than the {limit} bytes its narinfo declares");
            }
            onRead?.Invoke(n);
            return n;
        }

        protected override long BytesRead => _count;
    }
}
