using System.Security.Cryptography;

namespace QiTech.Os.Nix;

/// <summary>A SHA-256 digest, printable in Nix's three notations.</summary>
public readonly record struct Sha256Digest
{
    public const int Size = 32;
    private readonly byte[]? _bytes;

    public Sha256Digest(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"a SHA-256 digest has {Size} bytes, not {bytes.Length}", nameof(bytes));
        }
        _bytes = bytes.ToArray();
    }

    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Size];

    public static Sha256Digest Of(ReadOnlySpan<byte> data) => new(SHA256.HashData(data));

    public string ToBase16() => Convert.ToHexStringLower(Bytes);

    public string ToBase32() => NixBase32.Encode(Bytes);

    public string ToSri() => "sha256-" + Convert.ToBase64String(Bytes);

    /// <summary>The form Nix stores in its database: <c>sha256:&lt;base16&gt;</c>.</summary>
    public string ToTypedBase16() => "sha256:" + ToBase16();

    /// <summary>Parses <c>sha256:</c> base16 or base32, a bare base16/base32 string, or SRI.</summary>
    public static bool TryParse(string? text, out Sha256Digest digest)
    {
        digest = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var body = text;
        if (body.StartsWith("sha256-", StringComparison.Ordinal))
        {
            var buffer = new byte[Size];
            if (!Convert.TryFromBase64String(body[7..], buffer, out var written) || written != Size)
            {
                return false;
            }
            digest = new Sha256Digest(buffer);
            return true;
        }
        if (body.StartsWith("sha256:", StringComparison.Ordinal))
        {
            body = body[7..];
        }
        var bytes = new byte[Size];
        if (body.Length == 64)
        {
            try
            {
                bytes = Convert.FromHexString(body);
            }
            catch (FormatException)
            {
                return false;
            }
        }
        else if (!NixBase32.TryDecode(body, bytes))
        {
            return false;
        }
        digest = new Sha256Digest(bytes);
        return true;
    }

    public bool Equals(Sha256Digest other) => Bytes.SequenceEqual(other.Bytes);

    public override int GetHashCode() => BitConverter.ToInt32(Bytes);

    public override string ToString() => ToTypedBase16();
}
