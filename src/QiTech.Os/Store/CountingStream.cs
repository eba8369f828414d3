using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// A read-only wrapper that counts bytes, so errors can name the offset in a stream. Disposing
/// it leaves the wrapped stream open: a download's checks still read its tail after the
/// decompressor reading through this has disposed its input.
/// </summary>
internal sealed class CountingStream(Stream inner) : ForwardReadStream
{
    public long Count { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Count += n;
        return n;
    }

    protected override long BytesRead => Count;
}
