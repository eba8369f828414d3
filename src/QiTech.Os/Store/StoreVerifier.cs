using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>What is wrong with one registered path.</summary>
public sealed record VerifyProblem(StorePath Path, VerifyProblemKind Kind, string Detail, bool Repaired);

public enum VerifyProblemKind
{
    Missing,
    Modified,
}

/// <summary>
/// Checks that every registered path exists and, with contents checking, still has its
/// registered NAR hash. Repairs from another store that holds a good copy.
/// </summary>
public sealed class StoreVerifier(LocalStore store)
{
    public IReadOnlyList<VerifyProblem> Verify(bool checkContents, LocalStore? repairFrom, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        var problems = new List<VerifyProblem>();
        foreach (var path in store.AllValidPaths().Order())
        {
            cancel.ThrowIfCancellationRequested();
            var info = store.QueryPathInfo(path)!;
            var physical = store.PhysicalPath(path);
            VerifyProblem? problem = null;
            if (!Posix.TryStat(Posix.AtFdCwd, Posix.Z(physical), out _))
            {
                problem = new VerifyProblem(path, VerifyProblemKind.Missing, "path is registered but missing", false);
            }
            else if (checkContents)
            {
                progress?.Report(store.Render(path));
                var (hash, size) = NarHasher.HashPath(physical, cancel);
                if (hash != info.NarHash || size != info.NarSize)
                {
                    problem = new VerifyProblem(path, VerifyProblemKind.Modified,
                        $"contents changed: registered hash {info.NarHash.ToBase32()}, found {hash.ToBase32()}", false);
                }
            }
            if (problem != null)
            {
                var repaired = repairFrom != null && TryRepair(path, info, repairFrom, cancel);
                problems.Add(problem with { Repaired = repaired });
            }
        }
        return problems;
    }

    /// <summary>Replaces a damaged path with a copy from <paramref name="source"/> whose hash matches.</summary>
    private bool TryRepair(StorePath path, PathInfo info, LocalStore source, CancellationToken cancel)
    {
        var good = source.QueryPathInfo(path);
        if (good == null || good.NarHash != info.NarHash)
        {
            return false;
        }
        var copy = NarHasher.HashPath(source.PhysicalPath(path), cancel);
        if (copy.Hash != info.NarHash)
        {
            return false;
        }
        store.ReplaceContents(path, source.PhysicalPath(path), info.NarHash, cancel);
        return true;
    }
}
