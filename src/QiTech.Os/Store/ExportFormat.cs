using System.Buffers.Binary;
using System.Text;
using QiTech.Os.Nar;

namespace QiTech.Os.Store;

/// <summary>
/// Framing of <c>nix-store --export</c> streams: per path a 1, the NAR, the magic
/// "NIXE", the path, its references, its deriver and a 0; a final 0 ends the stream.
/// </summary>
internal static class ExportFormat
{
    public const ulong Magic = 0x4558494e;

    public static void WriteU64(Stream s, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        s.Write(b);
    }

    public static void WriteString(Stream s, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        WriteU64(s, (ulong)bytes.Length);
        s.Write(bytes);
        var pad = (8 - bytes.Length % 8) % 8;
        s.Write(new byte[pad]);
    }

    public static ulong ReadU64(Stream s, Func<long> offset)
    {
        Span<byte> b = stackalloc byte[8];
        var done = 0;
        while (done < 8)
        {
            var n = s.Read(b[done..]);
            if (n == 0)
            {
                throw new NarFormatException("export stream is truncated", offset());
            }
            done += n;
        }
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    public static string ReadString(Stream s, Func<long> offset, int max = 4096)
    {
        var length = ReadU64(s, offset);
        if (length > (ulong)max)
        {
            throw new NarFormatException($"string of {length} bytes in export stream is longer than {max}", offset());
        }
        var padded = ((int)length + 7) / 8 * 8;
        var buffer = new byte[padded];
        var done = 0;
        while (done < padded)
        {
            var n = s.Read(buffer, done, padded - done);
            if (n == 0)
            {
                throw new NarFormatException("export stream is truncated", offset());
            }
            done += n;
        }
        if (buffer.AsSpan((int)length).ContainsAnyExcept((byte)0))
        {
            throw new NarFormatException("non-zero padding in export stream", offset());
        }
        return Encoding.UTF8.GetString(buffer, 0, (int)length);
    }
}
