namespace QiTech.Os.Platform;

/// <summary>
/// A stream read once from start to end (a download being checked, a NAR being assembled or
/// limited): it reads and says how far it has read; seeking, writing and a length are refused.
/// </summary>
internal abstract class ForwardReadStream : Stream
{
    /// <summary>The bytes read so far, which <see cref="Position"/> reports (the xz reader asks where it is).</summary>
    protected abstract long BytesRead { get; }

    public abstract override int Read(Span<byte> buffer);

    public sealed override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public sealed override long Length => throw new NotSupportedException();
    public sealed override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public sealed override void Flush() { }
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
