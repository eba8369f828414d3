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
        var paths = store.AllValidPaths().Order().Select(p => (Path: p, Info: store.QueryPathInfo(p)!)).ToList();
        var found = new VerifyProblem?[paths.Count];
        // Rehashing is reading and SHA-256: a machine's store is mostly two or three bases of a
        // gigabyte or more, so each core takes a path at a time.
        try
        {
            // Largest first, one at a time per core: the bases do not end up queued behind each other.
            var bySize = Enumerable.Range(0, paths.Count).OrderByDescending(i => paths[i].Info.NarSize);
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(bySize, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancel },
                i => found[i] = Check(paths[i].Path, paths[i].Info, checkContents, progress, cancel));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            // The first failure as itself (an unreadable file names its path), not wrapped.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        var problems = new List<VerifyProblem>();
        for (var i = 0; i < paths.Count; i++)
        {
            if (found[i] is { } problem)
            {
                var repaired = repairFrom != null && TryRepair(problem.Path, paths[i].Info, repairFrom, cancel);
                problems.Add(problem with { Repaired = repaired });
            }
        }
        return problems;
    }

    private VerifyProblem? Check(StorePath path, PathInfo info, bool checkContents, IProgress<string>? progress, CancellationToken cancel)
    {
        var physical = store.PhysicalPath(path);
        if (!Posix.TryStat(Posix.AtFdCwd, Posix.Z(physical), out _))
        {
            return new VerifyProblem(path, VerifyProblemKind.Missing, "path is registered but missing", false);
        }
        if (!checkContents)
        {
            return null;
        }
        progress?.Report(store.Render(path));
        var (hash, size) = NarHasher.HashPath(physical, cancel);
        return hash == info.NarHash && size == info.NarSize ? null
            : new VerifyProblem(path, VerifyProblemKind.Modified, $"contents changed: registered hash {info.NarHash.ToBase32()}, found {hash.ToBase32()}", false);
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
