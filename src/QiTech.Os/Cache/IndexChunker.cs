namespace QiTech.Os.Cache;

/// <summary>
/// Cuts a NAR index into content-defined chunks (a gear rolling hash, as casync and FastCDC
/// cut): a cut depends only on the bytes just before it, so a version that changes one file
/// changes the one or two chunks around that file's record and shares the rest with the
/// version before. Cuts need not agree between writers; they only decide what is shared.
/// </summary>
internal static class IndexChunker
{
    public const int MinSize = 512;
    public const int MaxSize = 8192;

    /// <summary>A cut where the hash's top 11 bits are zero: about every 2 KiB past the minimum.</summary>
    private const ulong CutMask = 0xFFE0_0000_0000_0000;

    private static readonly ulong[] Gear = MakeGear();

    /// <summary>The chunks of <paramref name="data"/> as (start, length), in order, covering it.</summary>
    public static List<(int Start, int Length)> Split(ReadOnlySpan<byte> data)
    {
        var chunks = new List<(int, int)>();
        var start = 0;
        while (start < data.Length)
        {
            var length = Math.Min(MaxSize, data.Length - start);
            ulong hash = 0;
            for (var i = MinSize; i < length; i++)
            {
                hash = (hash << 1) + Gear[data[start + i]];
                if ((hash & CutMask) == 0)
                {
                    length = i + 1;
                    break;
                }
            }
            chunks.Add((start, length));
            start += length;
        }
        return chunks;
    }

    /// <summary>Fixed pseudo-random values per byte (splitmix64 from a constant): every push cuts alike.</summary>
    private static ulong[] MakeGear()
    {
        var gear = new ulong[256];
        var state = 0x9E37_79B9_7F4A_7C15UL;
        for (var i = 0; i < gear.Length; i++)
        {
            state += 0x9E37_79B9_7F4A_7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
            gear[i] = z ^ (z >> 31);
        }
        return gear;
    }
}
