using QiTech.Os.Nix;

namespace QiTech.Os.Cache;

/// <summary>One record of a <see cref="NarIndex"/>: NAR bytes as they are, or a file's contents by hash.</summary>
public readonly record struct NarIndexRecord(byte[]? Bytes, Sha256Digest Content, long Size)
{
    public bool IsFile => Bytes is null;

    public static NarIndexRecord Literal(byte[] bytes) => new(bytes, default, bytes.Length);

    public static NarIndexRecord File(Sha256Digest content, long size) => new(null, content, size);
}
