using System.Collections.Concurrent;
using QiTech.Os.Build;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Config;

/// <summary>
/// Computes the store path a local path would get from <c>nix-store --add</c> without adding
/// it: for evaluating and checking a configuration when no store is at hand.
/// <paramref name="physicalStoreDir"/> (where the store's files lie) lets a directory that is
/// already a store path be recognised as one.
/// </summary>
public sealed class HashingImporter(StoreDirectory storeDir, string? physicalStoreDir = null) : ILocalPathImporter
{
    private readonly ConcurrentDictionary<string, string> known = new(StringComparer.Ordinal);
    private readonly StorePathComputer computer = new(storeDir);

    public StoreDirectory StoreDir => storeDir;

    public string Import(LocalPath path) => path.IsSource ? ImportSource(path) : known.GetOrAdd(path.FullPath, _ =>
    {
        var (narHash, _) = NarHasher.HashPath(path.FullPath);
        return storeDir.Render(computer.MakeSourcePath(narHash, StoreName(path), []));
    });

    public string ImportSource(LocalPath path, IReadOnlyList<string>? include = null) => known.GetOrAdd(SourceKey(path, include), _ =>
    {
        if (include == null && StorePathOf(path.FullPath, physicalStoreDir, storeDir) is { } inStore)
        {
            return inStore;
        }
        using var snapshot = SourceSnapshot.Take(path.FullPath, asGitWouldCommit: !IsInside(path.FullPath, physicalStoreDir), include: include);
        var (narHash, _) = NarHasher.HashPath(snapshot.Path);
        return storeDir.Render(computer.MakeSourcePath(narHash, SourceSnapshot.StoreName, []));
    });

    /// <summary>What one import of a source is remembered by: the folder and the part of it taken.</summary>
    internal static string SourceKey(LocalPath path, IReadOnlyList<string>? include) =>
        "source:" + path.FullPath + (include == null ? "" : "\0" + string.Join('\0', include));

    public string? Contents(string storePath)
    {
        if (physicalStoreDir == null || !storeDir.TryParse(storePath, out var path, out _))
        {
            return null;
        }
        var physical = physicalStoreDir + "/" + path.BaseName;
        return Path.Exists(physical) ? physical : null;
    }

    /// <summary>
    /// True for a path inside the store (part of an update's commit tree): it is taken as it
    /// is, even when the root lies inside some git work tree that ignores it.
    /// </summary>
    internal static bool IsInside(string fullPath, string? physicalStoreDir) =>
        physicalStoreDir != null && fullPath.StartsWith(physicalStoreDir.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>The store path a directory is, when it is one (directly under the physical store directory).</summary>
    internal static string? StorePathOf(string fullPath, string? physicalStoreDir, StoreDirectory storeDir)
    {
        if (physicalStoreDir == null || Path.GetDirectoryName(fullPath.TrimEnd('/')) != physicalStoreDir.TrimEnd('/'))
        {
            return null;
        }
        var rendered = storeDir.Path + "/" + Path.GetFileName(fullPath.TrimEnd('/'));
        return storeDir.TryParse(rendered, out _, out _) ? rendered : null;
    }

    /// <summary>The name in the store: the file's name, with characters Nix refuses replaced.</summary>
    public static string StoreName(LocalPath path)
    {
        var name = new string([.. path.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.' or '_' or '?' or '=' ? c : '_')]);
        return name.Length == 0 || name[0] == '.' ? "source" + name : name;
    }
}
