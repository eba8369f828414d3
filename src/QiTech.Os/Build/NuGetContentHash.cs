using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace QiTech.Os.Build;

/// <summary>
/// The hash a lock file pins (<c>contentHash</c>): SHA-512 of the .nupkg, but of a signed
/// package without its signature, as NuGet computes it, since the registry adds its signature
/// after the author's content is fixed. The package signature is the archive's last local
/// entry, so the unsigned archive is the signed one minus that entry and its directory
/// record, with the end record's counts, size and offset adjusted.
/// </summary>
public static class NuGetContentHash
{
    public const string SignatureFile = ".signature.p7s";

    private const uint EndOfCentralDirectory = 0x06054b50;
    private const uint CentralDirectoryHeader = 0x02014b50;

    /// <summary>Base64 of the content hash.</summary>
    public static string Compute(byte[] nupkg) => Convert.ToBase64String(SHA512.HashData(Unsigned(nupkg)));

    /// <summary>The archive as it was before the registry signed it (the archive itself when unsigned or not understood).</summary>
    public static byte[] Unsigned(byte[] zip)
    {
        var span = zip.AsSpan();
        var end = FindEndRecord(span);
        if (end < 0)
        {
            return zip;
        }
        var entries = BinaryPrimitives.ReadUInt16LittleEndian(span[(end + 10)..]);
        var directorySize = BinaryPrimitives.ReadUInt32LittleEndian(span[(end + 12)..]);
        var directoryStart = BinaryPrimitives.ReadUInt32LittleEndian(span[(end + 16)..]);
        if (directoryStart + (long)directorySize > end || entries == ushort.MaxValue)
        {
            return zip; // Zip64 or damaged: packages of that size are not signed this way.
        }
        var position = (int)directoryStart;
        for (var i = 0; i < entries; i++)
        {
            if (position + 46 > end || BinaryPrimitives.ReadUInt32LittleEndian(span[position..]) != CentralDirectoryHeader)
            {
                return zip;
            }
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(position + 28)..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(position + 30)..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(position + 32)..]);
            var recordLength = 46 + nameLength + extraLength + commentLength;
            var name = Encoding.UTF8.GetString(span.Slice(position + 46, nameLength));
            if (name == SignatureFile)
            {
                var localHeader = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(position + 42)..]);
                var removedLocal = (int)directoryStart - localHeader;
                using var unsigned = new MemoryStream(zip.Length);
                unsigned.Write(span[..localHeader]);
                unsigned.Write(span[(int)directoryStart..position]);
                unsigned.Write(span[(position + recordLength)..end]);
                var record = span[end..].ToArray();
                BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(8), (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(8)) - 1));
                BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(10), (ushort)(entries - 1));
                BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), directorySize - (uint)recordLength);
                BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(16), directoryStart - (uint)removedLocal);
                unsigned.Write(record);
                return unsigned.ToArray();
            }
            position += recordLength;
        }
        return zip;
    }

    /// <summary>The end of central directory record, searched from the end (it may be followed by a comment).</summary>
    private static int FindEndRecord(ReadOnlySpan<byte> zip)
    {
        for (var i = zip.Length - 22; i >= Math.Max(0, zip.Length - 22 - ushort.MaxValue); i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip[i..]) == EndOfCentralDirectory)
            {
                return i;
            }
        }
        return -1;
    }
}
