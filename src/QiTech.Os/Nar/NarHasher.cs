using QiTech.Os.Nix;

namespace QiTech.Os.Nar;

/// <summary>The NAR hash and size of a path, as <c>nix-hash --type sha256</c> computes.</summary>
public static class NarHasher
{
    public static (Sha256Digest Hash, long Size) HashPath(string path, CancellationToken cancel = default)
    {
        using var hashing = new HashingStream();
        FileSystemNarSource.Read(path, new NarSerializer(hashing), cancel);
        return (hashing.Finish(), hashing.BytesWritten);
    }
}
