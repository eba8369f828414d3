using QiTech.Os.Nix;

namespace QiTech.Os.Generations;

/// <summary>
/// Each generation's own disk cost: the NAR sizes of the store paths in its closure that no
/// other root (another generation, the current or booted system, a GC root) keeps alive —
/// what deleting it alone and collecting garbage would free.
/// </summary>
public static class DiskCost
{
    public static IReadOnlyDictionary<GenerationNumber, long> Compute(
        IStoreReader store, IReadOnlyList<GenerationLink> generations, IReadOnlyCollection<StorePath> otherRoots)
    {
        var result = new Dictionary<GenerationNumber, long>();
        foreach (var generation in generations)
        {
            var others = generations.Where(g => g.Number != generation.Number).Select(g => g.System).Concat(otherRoots);
            var kept = store.Closure(others);
            long bytes = 0;
            foreach (var path in store.Closure([generation.System]))
            {
                if (!kept.Contains(path))
                {
                    bytes += store.NarSize(path) ?? 0;
                }
            }
            result[generation.Number] = bytes;
        }
        return result;
    }
}
