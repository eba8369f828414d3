using System.Buffers.Binary;
using QiTech.Os.Nix;

namespace QiTech.Os.Cache;

/// <summary>
/// Where each smaller file of a NAR lies inside its compressed NAR: the zstd frame that holds it
/// (<see cref="FramedNarWriter"/> cuts a frame every <see cref="FramedNarWriter.GroupBytes"/> at a
/// file's start) and how far into that frame's output its contents begin. A machine missing one
/// such file reads that frame's byte range and takes the file out of it, so a cache with NARs
/// needs no second copy of those files as blobs. Not trusted: every file taken out is checked
/// against its content hash, and a frame is read only up to the file's end.
/// </summary>
/// <remarks>
/// Path: <c>qitech/frames/&lt;NarHash&gt;.zst</c>. Format, uncompressed: the line
/// <c>qitech-frame-map-1\n</c>, a u32 count, then per file its 32-byte SHA-256, the frame's offset
/// and length in the compressed NAR, the contents' offset in the frame's output and their size
/// (u64 each, little-endian).
/// </remarks>
public sealed class FrameMap
{
    /// <summary>A frame of grouped files is its group plus at most one file that began in it: never more than this.</summary>
    public const long MaxFrameOutput = FramedNarWriter.GroupBytes + FramedNarWriter.OwnFrameFrom + (1 << 16);

    private static readonly byte[] Magic = "qitech-frame-map-1\n"u8.ToArray();
    private const int RecordSize = Sha256Digest.Size + 4 * 8;

    public FrameMap(IReadOnlyList<FramedFile> files) => Files = files;

    public IReadOnlyList<FramedFile> Files { get; }

    /// <summary>The most a map of a NAR of <paramref name="narSize"/> bytes can hold, uncompressed: a record per possible file.</summary>
    public static long MaxSize(long narSize) => Magic.Length + 4 + (MaxFiles(narSize) * RecordSize);

    // Each file is at least an index's inline size: a NAR cannot hold more of them than that.
    private static long MaxFiles(long narSize) => (narSize / NarIndex.InlineBelow) + 1;

    /// <summary>Where a NAR's frame map lives in a cache, by its NarHash, beside its index.</summary>
    public static string FileName(Sha256Digest narHash) => $"qitech/frames/{narHash.ToBase32()}.zst";

    public void Write(Stream output)
    {
        output.Write(Magic);
        Span<byte> record = stackalloc byte[RecordSize];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)Files.Count);
        output.Write(record[..4]);
        foreach (var file in Files)
        {
            file.Content.Bytes.CopyTo(record);
            var numbers = record[Sha256Digest.Size..];
            BinaryPrimitives.WriteUInt64LittleEndian(numbers, (ulong)file.FrameOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(numbers[8..], (ulong)file.FrameLength);
            BinaryPrimitives.WriteUInt64LittleEndian(numbers[16..], (ulong)file.Skip);
            BinaryPrimitives.WriteUInt64LittleEndian(numbers[24..], (ulong)file.Size);
            output.Write(record);
        }
    }

    /// <summary>Reads the map of a NAR of <paramref name="narSize"/> bytes, <paramref name="fileSize"/> compressed; <paramref name="place"/> names it in errors.</summary>
    public static FrameMap Read(Stream input, long narSize, long fileSize, string place)
    {
        var magic = new byte[Magic.Length];
        Span<byte> record = stackalloc byte[RecordSize];
        if (input.ReadAtLeast(magic, Magic.Length, throwOnEndOfStream: false) < Magic.Length || !magic.AsSpan().SequenceEqual(Magic)
            || input.ReadAtLeast(record[..4], 4, throwOnEndOfStream: false) < 4)
        {
            throw new CacheException($"{place}: is not a frame map");
        }
        var count = BinaryPrimitives.ReadUInt32LittleEndian(record);
        if (count > MaxFiles(narSize))
        {
            throw new CacheException($"{place}: names more files than its NAR can hold");
        }
        var files = new List<FramedFile>((int)count);
        for (var i = 0u; i < count; i++)
        {
            if (input.ReadAtLeast(record, RecordSize, throwOnEndOfStream: false) < RecordSize)
            {
                throw new CacheException($"{place}: is truncated");
            }
            var numbers = record[Sha256Digest.Size..];
            var file = new FramedFile(new Sha256Digest(record[..Sha256Digest.Size]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(numbers), (long)BinaryPrimitives.ReadUInt64LittleEndian(numbers[8..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(numbers[16..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(numbers[24..]));
            if (file.FrameOffset < 0 || file.FrameLength <= 0 || file.FrameOffset > fileSize || file.FrameLength > fileSize - file.FrameOffset
                || file.Skip < 0 || file.Size <= 0 || file.Skip > MaxFrameOutput || file.Size > MaxFrameOutput - file.Skip)
            {
                throw new CacheException($"{place}: file {i + 1} lies outside its NAR or its frame");
            }
            files.Add(file);
        }
        if (input.ReadByte() != -1)
        {
            throw new CacheException($"{place}: has data after its files");
        }
        return new FrameMap(files);
    }
}

/// <summary>One file of a <see cref="FrameMap"/>: its contents are bytes <c>Skip..Skip+Size</c> of the output of the frame at <c>FrameOffset</c>.</summary>
public readonly record struct FramedFile(Sha256Digest Content, long FrameOffset, long FrameLength, long Skip, long Size);
