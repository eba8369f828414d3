using System.Security.Cryptography;
using QiTech.Os.Nar;
using QiTech.Os.Nix;

namespace QiTech.Os.Store;

/// <summary>
/// The SHA-256 of an archive's contents when the archive is a single non-executable regular
/// file: what text paths (<c>builtins.toFile</c>, derivations) and flat fixed-output paths
/// are named by. Null for anything else.
/// </summary>
internal sealed class FlatFileDigest : INarSink, IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _flat;
    private bool _seenRoot;
    private Sha256Digest? _digest;

    public Sha256Digest? Digest => _flat ? _digest : null;

    public void BeginRegular(bool executable, long size)
    {
        _flat = !_seenRoot && !executable;
        _seenRoot = true;
    }

    public void Data(ReadOnlySpan<byte> chunk)
    {
        if (_flat)
        {
            _hash.AppendData(chunk);
        }
    }

    public void EndRegular()
    {
        if (_flat)
        {
            _digest = new Sha256Digest(_hash.GetHashAndReset());
        }
    }

    public void Symlink(ReadOnlySpan<byte> target) => _seenRoot = true;

    public void BeginDirectory() => _seenRoot = true;

    public void BeginEntry(ReadOnlySpan<byte> name)
    {
    }

    public void EndEntry()
    {
    }

    public void EndDirectory()
    {
    }

    public void Dispose() => _hash.Dispose();
}
