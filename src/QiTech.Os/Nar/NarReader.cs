using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;

namespace QiTech.Os.Nar;

/// <summary>
/// Parses a NAR stream and replays it into an <see cref="INarSink"/>, checking everything
/// Nix checks (and a little more): tokens, padding, name rules, entry order, lengths. It
/// reads exactly one archive; whether anything may follow is the caller's choice.
/// </summary>
public sealed class NarReader
{
    private const int MaxTokenLength = 4096;
    private const int MaxDepth = 4096;
    private readonly Stream _input;
    private readonly byte[] _small = new byte[8];
    private long _offset;

    public NarReader(Stream input) => _input = input;

    /// <summary>Bytes consumed so far.</summary>
    public long Offset => _offset;

    /// <summary>Reads one archive into <paramref name="sink"/>.</summary>
    public void Read(INarSink sink, CancellationToken cancel = default)
    {
        Expect("nix-archive-1", "magic 'nix-archive-1'");
        Node(sink, 0, cancel);
    }

    /// <summary>Fails when anything follows the archive.</summary>
    public void ExpectEnd()
    {
        if (_input.Read(_small, 0, 1) != 0)
        {
            throw new NarFormatException("trailing data after the archive", _offset);
        }
    }

    private void Node(INarSink sink, int depth, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        if (depth > MaxDepth)
        {
            throw new NarFormatException("directories nested too deeply", _offset);
        }
        Expect("(", "'('");
        Expect("type", "'type'");
        var type = ReadToken();
        switch (type)
        {
            case "regular":
                Regular(sink, cancel);
                break;
            case "symlink":
                Expect("target", "'target'");
                var target = ReadBytes(MaxTokenLength, "symlink target");
                if (target.Length == 0 || target.AsSpan().Contains((byte)0))
                {
                    throw new NarFormatException("symlink target is empty or contains NUL", _offset);
                }
                sink.Symlink(target);
                Expect(")", "')'");
                break;
            case "directory":
                Directory(sink, depth, cancel);
                break;
            default:
                throw new NarFormatException($"unknown node type '{type}'", _offset);
        }
    }

    private void Regular(INarSink sink, CancellationToken cancel)
    {
        var token = ReadToken();
        var executable = false;
        if (token == "executable")
        {
            executable = true;
            Expect("", "empty string after 'executable'");
            token = ReadToken();
        }
        if (token != "contents")
        {
            throw new NarFormatException($"expected 'contents', got '{token}'", _offset);
        }
        var size = ReadU64();
        if (size > long.MaxValue / 2)
        {
            throw new NarFormatException($"file size {size} is absurd", _offset);
        }
        sink.BeginRegular(executable, (long)size);
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            var remaining = (long)size;
            while (remaining > 0)
            {
                cancel.ThrowIfCancellationRequested();
                var want = (int)Math.Min(buffer.Length, remaining);
                var n = _input.Read(buffer, 0, want);
                if (n == 0)
                {
                    throw new NarFormatException("archive ends inside a file's contents", _offset);
                }
                _offset += n;
                remaining -= n;
                sink.Data(buffer.AsSpan(0, n));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        SkipPadding((long)size);
        sink.EndRegular();
        Expect(")", "')'");
    }

    private void Directory(INarSink sink, int depth, CancellationToken cancel)
    {
        sink.BeginDirectory();
        byte[]? previous = null;
        while (true)
        {
            var token = ReadToken();
            if (token == ")")
            {
                break;
            }
            if (token != "entry")
            {
                throw new NarFormatException($"expected 'entry' or ')', got '{token}'", _offset);
            }
            Expect("(", "'('");
            Expect("name", "'name'");
            var nameOffset = _offset;
            var name = ReadBytes(255, "entry name");
            CheckName(name, nameOffset);
            if (previous != null)
            {
                var order = previous.AsSpan().SequenceCompareTo(name);
                if (order == 0)
                {
                    throw new NarFormatException($"duplicate entry '{Show(name)}'", nameOffset);
                }
                if (order > 0)
                {
                    throw new NarFormatException($"entry '{Show(name)}' is not sorted after '{Show(previous)}'", nameOffset);
                }
            }
            previous = name;
            Expect("node", "'node'");
            sink.BeginEntry(name);
            Node(sink, depth + 1, cancel);
            sink.EndEntry();
            Expect(")", "')'");
        }
        sink.EndDirectory();
    }

    private static void CheckName(byte[] name, long offset)
    {
        if (name.Length == 0)
        {
            throw new NarFormatException("empty entry name", offset);
        }
        if (name.AsSpan().SequenceEqual("."u8) || name.AsSpan().SequenceEqual(".."u8))
        {
            throw new NarFormatException($"entry name '{Show(name)}' is not allowed", offset);
        }
        if (name.AsSpan().IndexOfAny((byte)'/', (byte)0) >= 0)
        {
            throw new NarFormatException($"entry name '{Show(name)}' contains '/' or NUL", offset);
        }
    }

    private static string Show(byte[] name) => System.Text.Encoding.UTF8.GetString(name);

    private void Expect(string expected, string what)
    {
        var start = _offset;
        var token = ReadBytes(MaxTokenLength, what);
        if (!token.AsSpan().SequenceEqual(System.Text.Encoding.ASCII.GetBytes(expected)))
        {
            throw new NarFormatException($"expected {what}, got '{Show(token)}'", start);
        }
    }

    private string ReadToken() => Show(ReadBytes(MaxTokenLength, "token"));

    private byte[] ReadBytes(int maxLength, string what)
    {
        var start = _offset;
        var length = ReadU64();
        if (length > (ulong)maxLength)
        {
            throw new NarFormatException($"{what} of {length} bytes is longer than the limit of {maxLength}", start);
        }
        var bytes = new byte[(int)length];
        Fill(bytes);
        SkipPadding((long)length);
        return bytes;
    }

    private ulong ReadU64()
    {
        Fill(_small.AsSpan(0, 8));
        return BinaryPrimitives.ReadUInt64LittleEndian(_small);
    }

    private void SkipPadding(long length)
    {
        var pad = (int)((8 - length % 8) % 8);
        if (pad == 0)
        {
            return;
        }
        var span = _small.AsSpan(0, pad);
        var start = _offset;
        Fill(span);
        if (span.ContainsAnyExcept((byte)0))
        {
            throw new NarFormatException("non-zero padding", start);
        }
    }

    private void Fill(Span<byte> target)
    {
        var done = 0;
        while (done < target.Length)
        {
            var n = _input.Read(target[done..]);
            if (n == 0)
            {
                throw new NarFormatException("archive is truncated", _offset + done);
            }
            done += n;
        }
        _offset += done;
        Debug.Assert(done == target.Length);
    }
}
