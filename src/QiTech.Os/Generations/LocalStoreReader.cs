using QiTech.Os.Nix;
using QiTech.Os.Store;

namespace QiTech.Os.Generations;

/// <summary>The generations' view of a <see cref="LocalStore"/>.</summary>
public sealed class LocalStoreReader(LocalStore store) : IStoreReader
{
    public bool IsValid(StorePath path) => store.IsValid(path);

    public IReadOnlySet<StorePath> Closure(IEnumerable<StorePath> roots) => store.Closure(roots.Where(store.IsValid));

    public long? NarSize(StorePath path) => store.QueryPathInfo(path)?.NarSize;
}
