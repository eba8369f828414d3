using System.Collections.Concurrent;
using QiTech.Os.Store;

namespace QiTech.Os.Config;

/// <summary>Adds local paths to a <see cref="LocalStore"/> (as <c>nix-store --add</c>), each once.</summary>
public sealed class StoreImporter(LocalStore store, CancellationToken cancel = default) : ILocalPathImporter
{
    private readonly ConcurrentDictionary<string, string> known = new(StringComparer.Ordinal);

    public string Import(LocalPath path) =>
        known.GetOrAdd(path.FullPath, _ => store.Render(store.AddPath(path.FullPath, HashingImporter.StoreName(path), cancel)));
}
