using NSec.Cryptography;
using QiTech.Os.Errors;

namespace QiTech.Os.Cache;

/// <summary>
/// A binary cache's public key as Nix writes it: <c>NAME:BASE64</c> of the 32-byte ed25519
/// key (what <c>trusted-public-keys</c> lists).
/// </summary>
public sealed class NixPublicKey
{
    private readonly PublicKey _key;

    private NixPublicKey(string name, PublicKey key)
    {
        Name = name;
        _key = key;
    }

    public string Name { get; }

    internal static NixPublicKey From(string name, PublicKey key) => new(name, key);

    /// <summary>Parses <c>NAME:BASE64</c>; <paramref name="place"/> names where it came from in the error.</summary>
    public static NixPublicKey Parse(string text, string place)
    {
        var (name, bytes) = NixKeyText.Split(text.Trim(), place, "public key");
        if (bytes.Length != 32 || !PublicKey.TryImport(SignatureAlgorithm.Ed25519, bytes, KeyBlobFormat.RawPublicKey, out var key) || key is null)
        {
            throw new BadInputException($"{place}: not an ed25519 public key (expected NAME:BASE64 of 32 bytes)");
        }
        return new NixPublicKey(name, key);
    }

    /// <summary>True when <paramref name="signature"/> (<c>NAME:BASE64</c>) is this key's over <paramref name="fingerprint"/>.</summary>
    public bool Verifies(string signature, ReadOnlySpan<byte> fingerprint)
    {
        var colon = signature.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !string.Equals(signature[..colon], Name, StringComparison.Ordinal))
        {
            return false;
        }
        Span<byte> raw = stackalloc byte[64];
        return Convert.TryFromBase64String(signature[(colon + 1)..], raw, out var written) && written == 64
            && SignatureAlgorithm.Ed25519.Verify(_key, fingerprint, raw);
    }

    public string Render() => Name + ":" + Convert.ToBase64String(_key.Export(KeyBlobFormat.RawPublicKey));

    public override string ToString() => Render();
}
