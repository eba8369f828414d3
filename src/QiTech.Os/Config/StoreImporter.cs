using System.Collections.Concurrent;
using QiTech.Os.Build;
using QiTech.Os.Nix;
using QiTech.Os.Store;

namespace QiTech.Os.Config;

/// <summary>Adds local paths to a <see cref="LocalStore"/> (as <c>nix-store --add</c>), each once.</summary>
public sealed class StoreImporter(LocalStore store, CancellationToken cancel = default) : ILocalPathImporter
{
    private readonly ConcurrentDictionary<string, string> known = new(StringComparer.Ordinal);

    public StoreDirectory StoreDir => store.Layout.StoreDir;

    public string Import(LocalPath path) => path.IsSource ? ImportSource(path) :
        known.GetOrAdd(path.FullPath, _ => store.Render(store.AddPath(path.FullPath, HashingImporter.StoreName(path), cancel)));

    public string ImportSource(LocalPath path, IReadOnlyList<string>? include = null) => known.GetOrAdd(HashingImporter.SourceKey(path, include), _ =>
    {
        if (include == null && HashingImporter.StorePathOf(path.FullPath, store.Layout.PhysicalStoreDir, StoreDir) is { } inStore && store.IsValid(store.ParsePath(inStore)))
        {
            return inStore;
        }
        using var snapshot = SourceSnapshot.Take(path.FullPath, cancel, asGitWouldCommit: !HashingImporter.IsInside(path.FullPath, store.Layout.PhysicalStoreDir), include);
        return store.Render(store.AddPath(snapshot.Path, SourceSnapshot.StoreName, cancel));
    });

    public string? Contents(string storePath) =>
        StoreDir.TryParse(storePath, out var path, out _) && store.IsValid(path) ? store.PhysicalPath(path) : null;
}
