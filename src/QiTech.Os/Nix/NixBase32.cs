namespace QiTech.Os.Nix;

/// <summary>
/// Nix's base-32 encoding: alphabet without e, o, u, t; bytes read from the end, so the
/// text is the little-endian number written most significant digit first.
/// </summary>
public static class NixBase32
{
    public const string Alphabet = "0123456789abcdfghijklmnpqrsvwxyz";

    private static readonly sbyte[] Lookup = BuildLookup();

    public static int EncodedLength(int byteCount) => (byteCount * 8 + 4) / 5;

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var len = EncodedLength(bytes.Length);
        return string.Create(len, bytes.ToArray(), static (chars, data) =>
        {
            for (var n = chars.Length - 1; n >= 0; n--)
            {
                var b = n * 5;
                var i = b / 8;
                var j = b % 8;
                var c = (data[i] >> j) | (i + 1 < data.Length ? data[i + 1] << (8 - j) : 0);
                chars[chars.Length - 1 - n] = Alphabet[c & 0x1f];
            }
        });
    }

    public static bool IsBase32Char(char c) => c < 128 && Lookup[c] >= 0;

    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination)
    {
        if (text.Length != EncodedLength(destination.Length))
        {
            return false;
        }
        destination.Clear();
        for (var n = 0; n < text.Length; n++)
        {
            var ch = text[text.Length - 1 - n];
            if (ch >= 128 || Lookup[ch] < 0)
            {
                return false;
            }
            var digit = Lookup[ch];
            var b = n * 5;
            var i = b / 8;
            var j = b % 8;
            destination[i] |= (byte)(digit << j);
            var carry = digit >> (8 - j);
            if (i + 1 < destination.Length)
            {
                destination[i + 1] |= (byte)carry;
            }
            else if (carry != 0)
            {
                return false;
            }
        }
        return true;
    }

    private static sbyte[] BuildLookup()
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            table[Alphabet[i]] = (sbyte)i;
        }
        return table;
    }
}
