using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Build;

/// <summary>
/// Registers a finished build output under its precomputed (input-addressed or fixed) path:
/// copied canonicalised into the store's private area, scanned for references to its inputs,
/// renamed into place and registered with its deriver, all by the store's own machinery.
/// </summary>
internal static class BuildOutputRegistrar
{
    public static PathInfo Register(LocalStore store, StorePath path, string builtPath, StorePath? deriver,
        IEnumerable<StorePath> referenceCandidates, string? contentAddress, CancellationToken cancel)
    {
        using var gcGuard = FileLock.Acquire(store.GcLockPath, exclusive: false);
        using var temp = TempTree.Create(store.TmpDir, store.Links);
        var scanner = new ReferenceScanner(referenceCandidates.Append(path).Distinct());
        using var hashing = new HashingStream(scanner);
        using var buffered = new BufferedStream(hashing, 1 << 16);
        using (var sink = new StoreImportSink(temp, Posix.Z("out"), builtPath))
        {
            FileSystemNarSource.Read(builtPath, new NarTee(new NarSerializer(buffered), sink), cancel);
            buffered.Flush();
            sink.Finish();
        }
        // The store does not register self-references; they add nothing to a closure.
        var references = scanner.Found.Where(r => r != path).Order().ToList();
        var info = new PathInfo(path, hashing.Finish(), hashing.BytesWritten, references, deriver, store.Time.GetUtcNow(), [], contentAddress);
        store.MoveIntoStore(temp, info);
        return store.QueryPathInfo(path) ?? info;
    }
}
