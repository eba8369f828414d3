using System.Security.Cryptography;
using System.Text;

namespace QiTech.Os.Nix;

/// <summary>How Nix derives a store path from what a path holds (Nix 2.8, store-api.cc).</summary>
public sealed class StorePathComputer(StoreDirectory storeDir)
{
    public StoreDirectory StoreDir { get; } = storeDir;

    /// <summary>The general rule: hash of "type:sha256:&lt;hex&gt;:storeDir:name", folded to 20 bytes.</summary>
    public StorePath MakeStorePath(string type, Sha256Digest hash, string name)
    {
        var fingerprint = $"{type}:sha256:{hash.ToBase16()}:{StoreDir.Path}:{name}";
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint));
        return StorePath.FromParts(Compress(digest, 20), name);
    }

    /// <summary>
    /// A path added as a whole tree (<c>nix-store --add</c>): type "source" plus its
    /// references, keyed by the NAR hash.
    /// </summary>
    public StorePath MakeSourcePath(Sha256Digest narHash, string name, IEnumerable<StorePath> references, bool hasSelfReference = false) =>
        MakeStorePath(MakeType("source", references, hasSelfReference), narHash, name);

    /// <summary>A text file with references (<c>builtins.toFile</c>, derivations).</summary>
    public StorePath MakeTextPath(Sha256Digest contentHash, string name, IEnumerable<StorePath> references) =>
        MakeStorePath(MakeType("text", references, false), contentHash, name);

    /// <summary>A fixed-output path, flat (hash of the file) or recursive with a non-SHA-256 form.</summary>
    public StorePath MakeFixedOutputPath(bool recursive, Sha256Digest hash, string name)
    {
        if (recursive)
        {
            return MakeSourcePath(hash, name, []);
        }
        var inner = Sha256Digest.Of(Encoding.UTF8.GetBytes($"fixed:out:sha256:{hash.ToBase16()}:"));
        return MakeStorePath("output:out", inner, name);
    }

    private string MakeType(string type, IEnumerable<StorePath> references, bool hasSelfReference)
    {
        var sb = new StringBuilder(type);
        foreach (var reference in references.Order())
        {
            sb.Append(':').Append(StoreDir.Render(reference));
        }
        if (hasSelfReference)
        {
            sb.Append(":self");
        }
        return sb.ToString();
    }

    private static byte[] Compress(ReadOnlySpan<byte> hash, int size)
    {
        var result = new byte[size];
        for (var i = 0; i < hash.Length; i++)
        {
            result[i % size] ^= hash[i];
        }
        return result;
    }
}
