using QiTech.Os.Nix;

namespace QiTech.Os.Generations;

/// <summary>
/// What generations need to know of the store: whether a path is registered, closures and
/// sizes (for each generation's disk cost). Implementations are safe to call from one thread.
/// </summary>
public interface IStoreReader
{
    bool IsValid(StorePath path);

    /// <summary>The roots and everything they reference, transitively. Unknown paths are skipped.</summary>
    IReadOnlySet<StorePath> Closure(IEnumerable<StorePath> roots);

    /// <summary>The size of the path's NAR serialisation; null when not registered.</summary>
    long? NarSize(StorePath path);
}
