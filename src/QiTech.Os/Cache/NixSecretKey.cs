using System.Text;
using NSec.Cryptography;
using QiTech.Os.Errors;

namespace QiTech.Os.Cache;

/// <summary>
/// A binary cache's signing key as <c>nix-store --generate-binary-cache-key</c> writes it:
/// <c>NAME:BASE64</c> of libsodium's 64-byte secret key (the 32-byte seed, then the public key).
/// </summary>
public sealed class NixSecretKey : IDisposable
{
    private static KeyCreationParameters Exportable => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
    private readonly Key _key;

    private NixSecretKey(string name, Key key)
    {
        Name = name;
        _key = key;
        PublicKey = NixPublicKey.From(name, key.PublicKey);
    }

    public string Name { get; }

    public NixPublicKey PublicKey { get; }

    public static NixSecretKey Generate(string name)
    {
        NixKeyText.CheckName(name);
        return new NixSecretKey(name, Key.Create(SignatureAlgorithm.Ed25519, Exportable));
    }

    /// <summary>Reads a secret key file; the error names the file, never its contents.</summary>
    public static NixSecretKey Load(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file, Encoding.UTF8).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{file}: cannot read the secret key: {e.Message}");
        }
        var (name, bytes) = NixKeyText.Split(text, file, "secret key");
        if (bytes.Length != 64
            || !Key.TryImport(SignatureAlgorithm.Ed25519, bytes.AsSpan(0, 32), KeyBlobFormat.RawPrivateKey, out var key, Exportable) || key is null)
        {
            throw new BadInputException($"{file}: not an ed25519 secret key (expected NAME:BASE64 of 64 bytes)");
        }
        if (!key.PublicKey.Export(KeyBlobFormat.RawPublicKey).AsSpan().SequenceEqual(bytes.AsSpan(32)))
        {
            key.Dispose();
            throw new BadInputException($"{file}: the secret key's two halves do not belong together");
        }
        return new NixSecretKey(name, key);
    }

    /// <summary>The signature over <paramref name="fingerprint"/> as a narinfo's <c>Sig:</c> carries it.</summary>
    public string Sign(ReadOnlySpan<byte> fingerprint) =>
        Name + ":" + Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(_key, fingerprint));

    /// <summary>The text of the secret key file.</summary>
    public string Render()
    {
        var secret = new byte[64];
        _key.Export(KeyBlobFormat.RawPrivateKey).CopyTo(secret, 0);
        _key.PublicKey.Export(KeyBlobFormat.RawPublicKey).CopyTo(secret, 32);
        return Name + ":" + Convert.ToBase64String(secret);
    }

    public void Dispose() => _key.Dispose();
}
