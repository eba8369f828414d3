using QiTech.Os.Errors;
using SharpCompress.Compressors.Xz;

namespace QiTech.Os.Cache;

/// <summary>How a cache's NAR files are compressed. We write zstd; we read none, zstd and xz (what Nix writes); bzip2 (old caches) is named but refused.</summary>
public enum CacheCompression
{
    None,
    Zstd,
    Xz,
    Bzip2,
}

public static class CacheCompressionNames
{
    public static string Name(this CacheCompression compression) => compression switch
    {
        CacheCompression.None => "none",
        CacheCompression.Zstd => "zstd",
        CacheCompression.Xz => "xz",
        CacheCompression.Bzip2 => "bzip2",
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    /// <summary>The file name extension Nix uses after <c>.nar</c>.</summary>
    public static string Extension(this CacheCompression compression) => compression switch
    {
        CacheCompression.None => "",
        CacheCompression.Zstd => ".zst",
        CacheCompression.Xz => ".xz",
        CacheCompression.Bzip2 => ".bz2",
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    public static CacheCompression Parse(string text, string place) => text switch
    {
        "none" or "" => CacheCompression.None,
        "zstd" => CacheCompression.Zstd,
        "xz" => CacheCompression.Xz,
        "bzip2" => CacheCompression.Bzip2,
        _ => throw new BadInputException($"{place}: compression '{text}' is not one of none, zstd, xz, bzip2"),
    };

    /// <summary>A stream of the NAR inside <paramref name="compressed"/>.</summary>
    public static Stream Decompress(this CacheCompression compression, Stream compressed, string place) => compression switch
    {
        CacheCompression.None => compressed,
        CacheCompression.Zstd => Zstd.Decompress(compressed, leaveOpen: false),
        CacheCompression.Xz => new XZStream(compressed),
        _ => throw new BadInputException($"{place}: cannot read compression {compression}"),
    };
}
