using QiTech.Os.Errors;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// Moves closures between stores as one stream in <c>nix-store --export</c> format, so the
/// real Nix can read ours and we can read Nix's. An import takes a path only when its
/// contents are vouched for: by its name where that is their content address, else by the
/// NAR hash our exports carry; declared references must be in the store or earlier in the
/// stream, and the contents may mention no other store path. A stream is registered whole
/// or not at all.
/// </summary>
public sealed class StoreTransfer(LocalStore store)
{
    private const string NarHashTag = "qitech-nar-hash:sha256:";

    /// <summary>
    /// Writes the closure of <paramref name="roots"/>, references first, leaving out the paths
    /// the receiver is known to hold already (<paramref name="present"/>).
    /// </summary>
    public int Export(IEnumerable<StorePath> roots, Stream output, CancellationToken cancel = default, IReadOnlySet<StorePath>? present = null)
    {
        var closure = store.Closure(roots);
        var count = 0;
        foreach (var path in TopologicalOrder(closure).Where(p => present == null || !present.Contains(p)))
        {
            cancel.ThrowIfCancellationRequested();
            var info = store.QueryPathInfo(path)!;
            ExportFormat.WriteU64(output, 1);
            using (var hashing = new HashingStream(output))
            {
                FileSystemNarSource.Read(store.PhysicalPath(path), new NarSerializer(hashing), cancel);
                if (hashing.Finish() != info.NarHash)
                {
                    throw new QiTechOsException($"{store.Render(path)}: contents do not match the registered hash; run 'store verify --check-contents'");
                }
            }
            ExportFormat.WriteU64(output, ExportFormat.Magic);
            ExportFormat.WriteString(output, store.Render(path));
            ExportFormat.WriteU64(output, (ulong)info.References.Count);
            foreach (var reference in info.References)
            {
                ExportFormat.WriteString(output, store.Render(reference));
            }
            ExportFormat.WriteString(output, info.Deriver is { } d ? store.Render(d) : "");
            // Nix reads and ignores a "legacy signature" here; we carry the NAR hash in it,
            // so an import can check every path, content-addressed or not.
            ExportFormat.WriteU64(output, 1);
            ExportFormat.WriteString(output, NarHashTag + info.NarHash.ToBase32());
            count++;
        }
        ExportFormat.WriteU64(output, 0);
        return count;
    }

    /// <summary>
    /// Reads an export stream and registers its paths, all or none: every path is checked and
    /// built in one private work directory, and only when the whole stream has passed are they
    /// moved into the store and registered in one transaction. Returns the stream's paths in order.
    /// </summary>
    public IReadOnlyList<StorePath> Import(Stream input, CancellationToken cancel = default)
    {
        using var gcGuard = FileLock.Acquire(store.GcLockPath, exclusive: false);
        using var temp = TempTree.Create(store.TmpDir, store.Links);
        var counted = new CountingStream(input);
        var scanner = new ReferenceScanner(store.AllValidPaths());
        var arrived = new Dictionary<StorePath, PathInfo>();
        var order = new List<StorePath>();
        var entries = new List<TempEntry>();
        while (true)
        {
            var marker = ExportFormat.ReadU64(counted, () => counted.Count);
            if (marker == 0)
            {
                break;
            }
            if (marker != 1)
            {
                throw new NarFormatException($"expected 0 or 1 before a path in the export stream, got {marker}", counted.Count - 8);
            }
            var tempName = "p" + order.Count;
            var info = ReadOne(counted, temp, tempName, order.Count + 1, scanner, arrived, cancel);
            if (arrived.TryGetValue(info.Path, out var earlier))
            {
                if (earlier.NarHash != info.NarHash)
                {
                    throw new BadInputException($"{store.Render(info.Path)}: appears twice in the stream with different contents");
                }
                continue;
            }
            arrived[info.Path] = info;
            order.Add(info.Path);
            scanner.Add(info.Path);
            if (!store.IsValid(info.Path))
            {
                entries.Add(new TempEntry(tempName, info));
            }
        }
        if (counted.ReadByte() != -1)
        {
            throw new NarFormatException("trailing data after the export stream", counted.Count);
        }
        store.MoveIntoStore(temp, entries);
        return order;
    }

    /// <summary>Reads one path of the stream into <paramref name="temp"/> and checks it; registers nothing.</summary>
    private PathInfo ReadOne(CountingStream input, TempTree temp, string tempName, int number, ReferenceScanner scanner,
        IReadOnlyDictionary<StorePath, PathInfo> arrived, CancellationToken cancel)
    {
        scanner.Restart();
        using var hashing = new HashingStream(scanner);
        using var flat = new FlatFileDigest();
        using (var sink = new StoreImportSink(temp, Posix.Z(tempName), $"path {number} of the stream"))
        {
            new NarReader(input).Read(new NarTee(new NarTee(new NarSerializer(hashing), sink), flat), cancel);
            sink.Finish();
        }
        var narHash = hashing.Finish();
        var at = input.Count;
        if (ExportFormat.ReadU64(input, () => input.Count) != ExportFormat.Magic)
        {
            throw new NarFormatException("missing export magic after a NAR", at);
        }
        var path = ParseStorePath(ExportFormat.ReadString(input, () => input.Count), input.Count);
        var count = ExportFormat.ReadU64(input, () => input.Count);
        if (count > 100_000)
        {
            throw new NarFormatException($"{count} references is absurd", input.Count);
        }
        var references = new List<StorePath>();
        for (ulong i = 0; i < count; i++)
        {
            references.Add(ParseStorePath(ExportFormat.ReadString(input, () => input.Count), input.Count));
        }
        references = references.Distinct().Order().ToList();
        var deriverText = ExportFormat.ReadString(input, () => input.Count);
        StorePath? deriver = deriverText.Length == 0 ? null : ParseStorePath(deriverText, input.Count);
        var declared = ReadDeclaredNarHash(input);
        var name = store.Render(path);

        if (declared is { } expected && expected != narHash)
        {
            throw new BadInputException($"{name}: expected NAR hash {expected.ToBase32()}, got {narHash.ToBase32()}: the stream is damaged");
        }
        if (references.Contains(path))
        {
            throw new BadInputException($"{name}: self-referencing paths cannot be imported");
        }
        foreach (var reference in references)
        {
            if (!arrived.ContainsKey(reference) && !store.IsValid(reference))
            {
                throw new BadInputException($"{name}: its reference {store.Render(reference)} is neither in the store nor earlier in the stream");
            }
        }
        // A path named after its contents must be named after these contents; any other name is
        // a build output's, which only its NAR hash (or, later, a signature) can vouch for.
        var contentAddress = ContentAddressCheck.Find(store.Computer, path, narHash, flat.Digest, references);
        if (contentAddress == null && declared == null)
        {
            throw new BadInputException($"{name}: the stream carries no NAR hash for it and its name is not the content address of its contents, so they cannot be verified (streams of 'qitech-os store export' carry the hash; 'nix-store --export' gives none)");
        }
        foreach (var mentioned in scanner.Found)
        {
            if (mentioned != path && !references.Contains(mentioned) && DeriverOf(mentioned, arrived) != path)
            {
                throw new BadInputException($"{name}: its contents refer to {store.Render(mentioned)}, which it does not declare as a reference");
            }
        }
        if (store.QueryPathInfo(path) is { } known && known.NarHash != narHash)
        {
            throw new BadInputException($"{name}: contents in the stream hash to {narHash.ToBase32()}, but the store holds {known.NarHash.ToBase32()}");
        }
        return new PathInfo(path, narHash, hashing.BytesWritten, references, deriver, store.Time.GetUtcNow(), [], contentAddress);
    }

    /// <summary>
    /// The "legacy signature" slot: 0, or 1 and one string, which in our streams is the NAR
    /// hash; any other string (an old Nix signature) declares nothing we can check.
    /// </summary>
    private static Sha256Digest? ReadDeclaredNarHash(CountingStream input)
    {
        var present = ExportFormat.ReadU64(input, () => input.Count);
        if (present > 1)
        {
            throw new NarFormatException($"expected 0 or 1 signature in the export stream, got {present}", input.Count - 8);
        }
        if (present == 0)
        {
            return null;
        }
        var trailer = ExportFormat.ReadString(input, () => input.Count);
        if (!trailer.StartsWith(NarHashTag, StringComparison.Ordinal))
        {
            return null;
        }
        return Sha256Digest.TryParse(trailer[NarHashTag.Length..], out var digest)
            ? digest
            : throw new NarFormatException($"malformed NAR hash '{trailer}'", input.Count);
    }

    /// <summary>A derivation names its outputs without referring to them (as in Nix).</summary>
    private StorePath? DeriverOf(StorePath path, IReadOnlyDictionary<StorePath, PathInfo> arrived) =>
        arrived.TryGetValue(path, out var info) ? info.Deriver : store.QueryPathInfo(path)?.Deriver;

    private StorePath ParseStorePath(string text, long offset) =>
        store.Layout.StoreDir.TryParse(text, out var path, out var error)
            ? path
            : throw new NarFormatException($"'{text}' {error.Describe()} ({store.Layout.StoreDir})", offset);

    private List<StorePath> TopologicalOrder(IReadOnlySet<StorePath> paths)
    {
        var order = new List<StorePath>();
        var visited = new HashSet<StorePath>();
        void Visit(StorePath p)
        {
            if (!visited.Add(p))
            {
                return;
            }
            foreach (var reference in store.QueryPathInfo(p)!.References)
            {
                if (reference != p && paths.Contains(reference))
                {
                    Visit(reference);
                }
            }
            order.Add(p);
        }
        foreach (var p in paths.Order())
        {
            Visit(p);
        }
        return order;
    }
}
