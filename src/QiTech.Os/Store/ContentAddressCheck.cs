using QiTech.Os.Nix;

namespace QiTech.Os.Store;

/// <summary>
/// Whether a store path's name is the content address of what it holds, recomputed from the
/// contents alone: as <c>nix-store --add</c> names a tree (NAR hash and references), as a text
/// path or derivation is named (the file's hash and references), or as a flat fixed-output
/// path is (the file's hash, no references). Input-addressed paths (build outputs) are named
/// after their derivation, which a path's contents do not reveal: they never match here.
/// </summary>
internal static class ContentAddressCheck
{
    /// <summary>The content address (as the database records it) that names <paramref name="path"/>, or null.</summary>
    public static string? Find(StorePathComputer computer, StorePath path, Sha256Digest narHash, Sha256Digest? flatFileHash, IReadOnlyCollection<StorePath> references)
    {
        if (computer.MakeSourcePath(narHash, path.Name, references) == path)
        {
            return $"fixed:r:sha256:{narHash.ToBase32()}";
        }
        if (flatFileHash is not { } fileHash)
        {
            return null;
        }
        if (computer.MakeTextPath(fileHash, path.Name, references) == path)
        {
            return $"text:sha256:{fileHash.ToBase32()}";
        }
        if (references.Count == 0 && computer.MakeFixedOutputPath(false, fileHash, path.Name) == path)
        {
            return $"fixed:sha256:{fileHash.ToBase32()}";
        }
        return null;
    }
}
