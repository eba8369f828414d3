namespace QiTech.Os.Platform;

/// <summary>
/// Writes to a file and starts the disk writeback of each <see cref="Step"/> bytes as soon as they
/// are written, so that the flush which makes the file durable at the end waits for the last
/// step only, not for the whole file (large compressed NARs and bundles).
/// </summary>
internal sealed class WritebackStream(FileStream file) : ForwardWriteStream
{
    public const long Step = 8 << 20;

    private long _written;
    private long _started;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        file.Write(buffer);
        _written += buffer.Length;
        if (_written - _started >= Step)
        {
            // The file's own buffer goes to the kernel first: only written pages can be started.
            file.Flush();
            Posix.StartWriteback(file.SafeFileHandle, _started, _written - _started);
            _started = _written;
        }
    }

    public override void Flush() => file.Flush();
}
