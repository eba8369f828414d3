using System.Security.Cryptography;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Cache;

/// <summary>
/// Reads a download through SHA-256, counting bytes and reporting them as they come, and
/// refusing to read past the size the narinfo declared (a cache cannot make us fill the disk).
/// </summary>
internal sealed class VerifyingReadStream(Stream inner, long? limit, Action<long>? onRead, string place) : ForwardReadStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long Count { get; private set; }

    public Sha256Digest Finish() => new(_hash.GetHashAndReset());

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Account(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Account(ReadOnlySpan<byte> data)
    {
        Count += data.Length;
        if (limit is { } max && Count > max)
        {
            throw new CacheException($"{place}: longer than the {max} bytes its narinfo declares");
        }
        _hash.AppendData(data);
        onRead?.Invoke(data.Length);
    }

    protected override long BytesRead => Count;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
