using System.Buffers.Binary;
using QiTech.Os.Nix;

namespace QiTech.Os.Cache;

/// <summary>
/// What <c>qitech/index/&lt;NarHash&gt;.zst</c> holds: the chunks (<see cref="IndexChunker"/>) whose
/// concatenation is the NAR's <see cref="NarIndex"/>, each stored as a blob like a file's
/// contents. Format, uncompressed: the line <c>qitech-index-chunks-1\n</c>, a u32 count, then
/// per chunk its 32-byte SHA-256 and u32 size (little-endian).
/// </summary>
internal static class IndexChunkList
{
    private static readonly byte[] Magic = "qitech-index-chunks-1\n"u8.ToArray();

    public static void Write(Stream output, IReadOnlyList<(Sha256Digest Content, int Size)> chunks)
    {
        output.Write(Magic);
        Span<byte> record = stackalloc byte[Sha256Digest.Size + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)chunks.Count);
        output.Write(record[..4]);
        foreach (var (content, size) in chunks)
        {
            content.Bytes.CopyTo(record);
            BinaryPrimitives.WriteUInt32LittleEndian(record[Sha256Digest.Size..], (uint)size);
            output.Write(record);
        }
    }

    /// <summary>Reads a chunk list whose chunks may add up to at most <paramref name="maxTotal"/> bytes.</summary>
    public static List<(Sha256Digest Content, int Size)> Read(Stream input, long maxTotal, string place)
    {
        var magic = new byte[Magic.Length];
        Span<byte> record = stackalloc byte[Sha256Digest.Size + 4];
        if (input.ReadAtLeast(magic, Magic.Length, throwOnEndOfStream: false) < Magic.Length || !magic.AsSpan().SequenceEqual(Magic) || input.ReadAtLeast(record[..4], 4, throwOnEndOfStream: false) < 4)
        {
            throw new CacheException($"{place}: is not an index chunk list");
        }
        var count = BinaryPrimitives.ReadUInt32LittleEndian(record);
        var chunks = new List<(Sha256Digest, int)>();
        long total = 0;
        for (var i = 0u; i < count; i++)
        {
            if (input.ReadAtLeast(record, record.Length, throwOnEndOfStream: false) < record.Length)
            {
                throw new CacheException($"{place}: is truncated");
            }
            var size = BinaryPrimitives.ReadUInt32LittleEndian(record[Sha256Digest.Size..]);
            total += size;
            if (size == 0 || size > IndexChunker.MaxSize || total > maxTotal)
            {
                throw new CacheException($"{place}: names chunks past the {maxTotal} bytes an index of this NAR can have");
            }
            chunks.Add((new Sha256Digest(record[..Sha256Digest.Size]), (int)size));
        }
        if (input.ReadByte() != -1)
        {
            throw new CacheException($"{place}: has data after its chunks");
        }
        return chunks;
    }
}
