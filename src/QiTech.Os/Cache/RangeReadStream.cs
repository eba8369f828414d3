using QiTech.Os.Platform;

namespace QiTech.Os.Cache;

/// <summary>
/// <paramref name="length"/> bytes of <paramref name="inner"/> after skipping <paramref name="skip"/>
/// (read and dropped: for a server that answers a range request with the whole file).
/// </summary>
internal sealed class RangeReadStream(Stream inner, long skip, long length) : ForwardReadStream
{
    private long _read;
    private long _skipped;

    public override int Read(Span<byte> buffer)
    {
        if (_skipped < skip)
        {
            var drop = new byte[1 << 16];
            while (_skipped < skip)
            {
                var n = inner.Read(drop.AsSpan(0, (int)Math.Min(drop.Length, skip - _skipped)));
                if (n == 0)
                {
                    return 0;
                }
                _skipped += n;
            }
        }
        var wanted = (int)Math.Min(buffer.Length, length - _read);
        if (wanted == 0)
        {
            return 0;
        }
        var got = inner.Read(buffer[..wanted]);
        _read += got;
        return got;
    }

    protected override long BytesRead => _read;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
