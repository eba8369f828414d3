using System.Collections.Concurrent;
using QiTech.Os.Nar;
using QiTech.Os.Nix;

namespace QiTech.Os.Config;

/// <summary>
/// Computes the store path a local path would get from <c>nix-store --add</c> without adding
/// it: for evaluating and checking a configuration when no store is at hand.
/// </summary>
public sealed class HashingImporter(StoreDirectory storeDir) : ILocalPathImporter
{
    private readonly ConcurrentDictionary<string, string> known = new(StringComparer.Ordinal);
    private readonly StorePathComputer computer = new(storeDir);

    public string Import(LocalPath path) => known.GetOrAdd(path.FullPath, _ =>
    {
        var (narHash, _) = NarHasher.HashPath(path.FullPath);
        return storeDir.Render(computer.MakeSourcePath(narHash, StoreName(path), []));
    });

    /// <summary>The name in the store: the file's name, with characters Nix refuses replaced.</summary>
    public static string StoreName(LocalPath path)
    {
        var name = new string([.. path.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.' or '_' or '?' or '=' ? c : '_')]);
        return name.Length == 0 || name[0] == '.' ? "source" + name : name;
    }
}
