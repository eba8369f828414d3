using QiTech.Os.Errors;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// Moves closures between stores as one stream in <c>nix-store --export</c> format, so the
/// real Nix can read ours and we can read Nix's. Import checks each path's NAR hash against
/// its content address where it has one, and that references arrive before referrers.
/// A content-addressed path whose contents do not match its name is refused.
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

    /// <summary>Reads an export stream and registers each path; returns the imported paths in order.</summary>
    public IReadOnlyList<StorePath> Import(Stream input, CancellationToken cancel = default)
    {
        var counted = new CountingStream(input);
        var imported = new List<StorePath>();
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
            imported.Add(ImportOne(counted, cancel));
        }
        if (counted.ReadByte() != -1)
        {
            throw new NarFormatException("trailing data after the export stream", counted.Count);
        }
        return imported;
    }

    private StorePath ImportOne(CountingStream input, CancellationToken cancel)
    {
        using var gcGuard = FileLock.Acquire(store.GcLockPath, exclusive: false);
        using var temp = TempTree.Create(store.TmpDir);
        using var hashing = new HashingStream();
        using (var sink = new StoreImportSink(temp.Fd, Posix.Z("out"), store.Links, "import"))
        {
            new NarReader(input).Read(new NarTee(new NarSerializer(hashing), sink), cancel);
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
        var deriverText = ExportFormat.ReadString(input, () => input.Count);
        StorePath? deriver = deriverText.Length == 0 ? null : ParseStorePath(deriverText, input.Count);
        Sha256Digest? declared = null;
        if (ExportFormat.ReadU64(input, () => input.Count) == 1)
        {
            var trailer = ExportFormat.ReadString(input, () => input.Count);
            if (trailer.StartsWith(NarHashTag, StringComparison.Ordinal))
            {
                if (!Sha256Digest.TryParse(trailer[NarHashTag.Length..], out var d))
                {
                    throw new NarFormatException($"malformed NAR hash '{trailer}'", input.Count);
                }
                declared = d;
            }
        }
        if (declared is { } expected && expected != narHash)
        {
            throw new BadInputException($"{store.Render(path)}: expected NAR hash {expected.ToBase32()}, got {narHash.ToBase32()}: the stream is damaged");
        }
        if (references.Contains(path))
        {
            throw new BadInputException($"{store.Render(path)}: self-referencing paths cannot be imported");
        }
        foreach (var reference in references)
        {
            if (!store.IsValid(reference))
            {
                throw new BadInputException($"{store.Render(path)}: its reference {store.Render(reference)} is neither in the store nor earlier in the stream");
            }
        }
        // A path named after its content must match that content; input-addressed paths
        // (build outputs) carry no hash in this format and are registered as they hash.
        string? ca = null;
        if (path.Name.Length > 0 && store.Computer.MakeSourcePath(narHash, path.Name, references) == path)
        {
            ca = $"fixed:r:sha256:{narHash.ToBase32()}";
        }
        else if (store.QueryPathInfo(path) is { } known && known.NarHash != narHash)
        {
            throw new BadInputException($"{store.Render(path)}: contents in the stream hash to {narHash.ToBase32()}, but the store holds {known.NarHash.ToBase32()}");
        }
        var info = new PathInfo(path, narHash, hashing.BytesWritten, references, deriver, DateTimeOffset.UtcNow, [], ca);
        store.MoveIntoStore(temp, info);
        return path;
    }

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
