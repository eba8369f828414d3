using System.Runtime.InteropServices;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// Finds which candidate store paths a byte stream mentions, by their 32-character hash
/// parts, as Nix does for references. Fed the NAR bytes of a path; a window that crosses a
/// chunk boundary is kept in a small tail.
/// </summary>
internal sealed class ReferenceScanner : ForwardWriteStream
{
    private const int HashLength = StorePath.HashPartLength;
    private static readonly bool[] IsBase32 = BuildTable();
    private readonly Dictionary<HashKey, StorePath> _candidates;
    private readonly HashSet<StorePath> _found = [];
    private readonly byte[] _window = new byte[HashLength * 2];
    private int _tail;

    public ReferenceScanner(IEnumerable<StorePath> candidates)
    {
        _candidates = [];
        foreach (var c in candidates)
        {
            _candidates[HashKey.Of(System.Text.Encoding.ASCII.GetBytes(c.HashPart))] = c;
        }
    }

    public IReadOnlySet<StorePath> Found => _found;

    /// <summary>Looks for <paramref name="candidate"/> too, from the next stream on.</summary>
    public void Add(StorePath candidate) =>
        _candidates[HashKey.Of(System.Text.Encoding.ASCII.GetBytes(candidate.HashPart))] = candidate;

    /// <summary>Forgets what was found and the tail, to scan another stream with the same candidates.</summary>
    public void Restart()
    {
        _found.Clear();
        _tail = 0;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_candidates.Count == 0 || buffer.IsEmpty)
        {
            return;
        }
        // Windows that start in the tail of the previous chunk.
        var head = Math.Min(buffer.Length, HashLength - 1);
        buffer[..head].CopyTo(_window.AsSpan(_tail));
        Scan(_window.AsSpan(0, _tail + head));
        Scan(buffer);
        var keep = Math.Min(buffer.Length, HashLength - 1);
        if (buffer.Length >= HashLength - 1)
        {
            buffer[^keep..].CopyTo(_window);
            _tail = keep;
        }
        else
        {
            // Short chunk: slide the old tail and append.
            var combined = _window.AsSpan(0, _tail + head).ToArray();
            _tail = Math.Min(combined.Length, HashLength - 1);
            combined.AsSpan(combined.Length - _tail).CopyTo(_window);
        }
    }

    private void Scan(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (i + HashLength <= data.Length)
        {
            var j = HashLength - 1;
            while (j >= 0 && IsBase32[data[i + j]])
            {
                j--;
            }
            if (j >= 0)
            {
                i += j + 1;
                continue;
            }
            if (_candidates.TryGetValue(HashKey.Of(data.Slice(i, HashLength)), out var path))
            {
                _found.Add(path);
            }
            i++;
        }
    }


    private static bool[] BuildTable()
    {
        var table = new bool[256];
        foreach (var c in NixBase32.Alphabet)
        {
            table[c] = true;
        }
        return table;
    }

    private readonly record struct HashKey(ulong A, ulong B, ulong C, ulong D)
    {
        public static HashKey Of(ReadOnlySpan<byte> bytes32)
        {
            var words = MemoryMarshal.Cast<byte, ulong>(bytes32[..HashLength]);
            return new HashKey(words[0], words[1], words[2], words[3]);
        }
    }

    public override long Length => 0;
    public override long Position { get => 0; set => throw new NotSupportedException(); }
}
