using System.Buffers.Binary;
using QiTech.Os.Nix;

namespace QiTech.Os.Cache;

/// <summary>
/// The file layer's view of one NAR: its bytes in order, where every regular file of at least
/// <see cref="InlineBelow"/> bytes is replaced by its content's SHA-256 and size. Concatenating
/// the literal bytes and those files' contents gives the NAR back byte for byte, so the signed
/// NarHash still decides whether what was assembled is right; the index itself is not trusted.
/// </summary>
/// <remarks>
/// Format (zstd-compressed in the cache): the magic line <c>qitech-nar-index-1\n</c>, then
/// records: <c>L</c> u32 length + bytes (NAR structure and small files), <c>F</c> 32-byte
/// SHA-256 + u64 size (a file's contents, a blob), <c>E</c> (the end). Integers little-endian.
/// </remarks>
public sealed class NarIndex
{
    /// <summary>Smaller files stay in the index: a blob of its own would cost a request and a disk block for a few bytes.</summary>
    public const int InlineBelow = 4096;

    private const int MaxLiteral = 1 << 20;
    private static readonly byte[] Magic = "qitech-nar-index-1\n"u8.ToArray();

    public NarIndex(IReadOnlyList<NarIndexRecord> records) => Records = records;

    public IReadOnlyList<NarIndexRecord> Records { get; }

    /// <summary>The distinct file contents the NAR needs, with their sizes.</summary>
    public IReadOnlyDictionary<Sha256Digest, long> Files =>
        Records.Where(r => r.IsFile).GroupBy(r => r.Content).ToDictionary(g => g.Key, g => g.First().Size);

    /// <summary>Where a NAR's index lives in a cache: by its NarHash, which the signed narinfo names.</summary>
    public static string FileName(Sha256Digest narHash) => $"qitech/index/{narHash.ToBase32()}.zst";

    /// <summary>Where one file content lives in a cache, shared by every NAR that holds it.</summary>
    public static string BlobName(Sha256Digest content) => $"qitech/files/{content.ToBase32()}.zst";

    public static void WriteMagic(Stream output) => output.Write(Magic);

    public static void WriteLiteral(Stream output, ReadOnlySpan<byte> bytes)
    {
        Span<byte> head = stackalloc byte[5];
        for (var start = 0; start < bytes.Length; start += MaxLiteral)
        {
            var part = bytes.Slice(start, Math.Min(MaxLiteral, bytes.Length - start));
            head[0] = (byte)'L';
            BinaryPrimitives.WriteUInt32LittleEndian(head[1..], (uint)part.Length);
            output.Write(head);
            output.Write(part);
        }
    }

    public static void WriteFile(Stream output, Sha256Digest content, long size)
    {
        Span<byte> record = stackalloc byte[1 + Sha256Digest.Size + 8];
        record[0] = (byte)'F';
        content.Bytes.CopyTo(record[1..]);
        BinaryPrimitives.WriteUInt64LittleEndian(record[(1 + Sha256Digest.Size)..], (ulong)size);
        output.Write(record);
    }

    public static void WriteEnd(Stream output) => output.WriteByte((byte)'E');

    /// <summary>
    /// Reads an index of a NAR of <paramref name="narSize"/> bytes; the records must add up to
    /// exactly that size, which also bounds how much a hostile index can make us read.
    /// </summary>
    public static NarIndex Read(Stream input, long narSize, string place)
    {
        var magic = new byte[Magic.Length];
        if (input.ReadAtLeast(magic, Magic.Length, throwOnEndOfStream: false) < Magic.Length || !magic.AsSpan().SequenceEqual(Magic))
        {
            throw Bad(place, "does not start with the index magic");
        }
        var records = new List<NarIndexRecord>();
        long total = 0;
        Span<byte> head = stackalloc byte[1 + Sha256Digest.Size + 8];
        while (true)
        {
            if (input.ReadAtLeast(head[..1], 1, throwOnEndOfStream: false) < 1)
            {
                throw Bad(place, "ends without its end record");
            }
            switch (head[0])
            {
                case (byte)'E':
                    if (total != narSize)
                    {
                        throw Bad(place, $"describes {total} bytes of NAR, not the signed {narSize}");
                    }
                    if (input.ReadByte() != -1)
                    {
                        throw Bad(place, "has data after its end record");
                    }
                    return new NarIndex(records);
                case (byte)'L':
                    if (input.ReadAtLeast(head[1..5], 4, throwOnEndOfStream: false) < 4)
                    {
                        throw Bad(place, "is truncated");
                    }
                    var length = BinaryPrimitives.ReadUInt32LittleEndian(head[1..5]);
                    if (length > MaxLiteral || total + length > narSize)
                    {
                        throw Bad(place, $"has a literal of {length} bytes past the NAR's {narSize}");
                    }
                    var bytes = new byte[length];
                    if (input.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
                    {
                        throw Bad(place, "is truncated");
                    }
                    total += length;
                    records.Add(NarIndexRecord.Literal(bytes));
                    break;
                case (byte)'F':
                    if (input.ReadAtLeast(head[1..], head.Length - 1, throwOnEndOfStream: false) < head.Length - 1)
                    {
                        throw Bad(place, "is truncated");
                    }
                    var size = BinaryPrimitives.ReadUInt64LittleEndian(head[(1 + Sha256Digest.Size)..]);
                    if (size == 0 || size > (ulong)(narSize - total))
                    {
                        throw Bad(place, $"names a file of {size} bytes past the NAR's {narSize}");
                    }
                    total += (long)size;
                    records.Add(NarIndexRecord.File(new Sha256Digest(head[1..(1 + Sha256Digest.Size)]), (long)size));
                    break;
                default:
                    throw Bad(place, $"has an unknown record type 0x{head[0]:x2}");
            }
        }
    }

    private static CacheException Bad(string place, string what) => new($"{place}: {what}");
}
