using System.Security.Cryptography;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Nar;

/// <summary>A write-only stream that SHA-256-hashes and counts what is written to it, passing it on to an optional observer.</summary>
internal sealed class HashingStream(Stream? observer = null) : ForwardWriteStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesWritten { get; private set; }

    public Sha256Digest Finish() => new(_hash.GetHashAndReset());

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        observer?.Write(buffer);
        BytesWritten += buffer.Length;
    }

    public override long Length => BytesWritten;
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
