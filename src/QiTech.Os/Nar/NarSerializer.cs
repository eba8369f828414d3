using System.Buffers.Binary;

namespace QiTech.Os.Nar;

/// <summary>Writes NAR bytes ("nix-archive-1") for the events it receives.</summary>
public sealed class NarSerializer : INarSink
{
    private static readonly byte[] Zeros = new byte[8];
    private readonly Stream _output;
    private long _remaining;
    private long _fileSize;

    public NarSerializer(Stream output)
    {
        _output = output;
        WriteString("nix-archive-1"u8);
    }

    public void BeginRegular(bool executable, long size)
    {
        WriteString("("u8);
        WriteString("type"u8);
        WriteString("regular"u8);
        if (executable)
        {
            WriteString("executable"u8);
            WriteString(""u8);
        }
        WriteString("contents"u8);
        WriteU64((ulong)size);
        _remaining = size;
        _fileSize = size;
    }

    public void Data(ReadOnlySpan<byte> chunk)
    {
        _remaining -= chunk.Length;
        if (_remaining < 0)
        {
            throw new InvalidOperationException("file grew while it was being archived");
        }
        _output.Write(chunk);
    }

    public void EndRegular()
    {
        if (_remaining != 0)
        {
            throw new InvalidOperationException("file shrank while it was being archived");
        }
        Pad(_fileSize);
        WriteString(")"u8);
    }

    public void Symlink(ReadOnlySpan<byte> target)
    {
        WriteString("("u8);
        WriteString("type"u8);
        WriteString("symlink"u8);
        WriteString("target"u8);
        WriteString(target);
        WriteString(")"u8);
    }

    public void BeginDirectory()
    {
        WriteString("("u8);
        WriteString("type"u8);
        WriteString("directory"u8);
    }

    public void BeginEntry(ReadOnlySpan<byte> name)
    {
        WriteString("entry"u8);
        WriteString("("u8);
        WriteString("name"u8);
        WriteString(name);
        WriteString("node"u8);
    }

    public void EndEntry() => WriteString(")"u8);

    public void EndDirectory() => WriteString(")"u8);

    private void WriteU64(ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        _output.Write(buffer);
    }

    private void WriteString(ReadOnlySpan<byte> text)
    {
        WriteU64((ulong)text.Length);
        _output.Write(text);
        Pad(text.Length);
    }

    private void Pad(long length)
    {
        var rest = (int)(length % 8);
        if (rest != 0)
        {
            _output.Write(Zeros, 0, 8 - rest);
        }
    }
}
