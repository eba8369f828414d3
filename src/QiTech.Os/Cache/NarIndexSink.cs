using System.Security.Cryptography;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Cache;

/// <summary>
/// Writes a <see cref="NarIndex"/> from the same NAR events that make the NAR, so a push reads
/// its tree once: structure and small files go out as literal bytes, each larger file as its
/// content hash. Remembers where each such file is in the tree, for uploading its blob.
/// </summary>
internal sealed class NarIndexSink : INarSink, IDisposable
{
    private readonly Stream _output;
    private readonly MemoryStream _literal = new();
    private readonly SkippingStream _gate;
    private readonly NarSerializer _nar;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<byte[]> _names = [];
    private readonly Dictionary<Sha256Digest, (byte[] RelativePath, long Size)> _files = [];
    private long _size;

    public NarIndexSink(Stream output)
    {
        _output = output;
        NarIndex.WriteMagic(output);
        _gate = new SkippingStream(_literal);
        _nar = new NarSerializer(_gate);
    }

    /// <summary>Each distinct content the index names, with one place in the tree that holds it ("" is the root itself).</summary>
    public IReadOnlyDictionary<Sha256Digest, (byte[] RelativePath, long Size)> Files => _files;

    public void BeginRegular(bool executable, long size)
    {
        _nar.BeginRegular(executable, size);
        _size = size;
        if (size >= NarIndex.InlineBelow)
        {
            FlushLiteral();
            _gate.Skipping = true;
        }
    }

    public void Data(ReadOnlySpan<byte> chunk)
    {
        _nar.Data(chunk);
        if (_gate.Skipping)
        {
            _hash.AppendData(chunk);
        }
    }

    public void EndRegular()
    {
        if (_gate.Skipping)
        {
            _gate.Skipping = false;
            var content = new Sha256Digest(_hash.GetHashAndReset());
            NarIndex.WriteFile(_output, content, _size);
            _files.TryAdd(content, (RelativePath(), _size));
        }
        _nar.EndRegular();
    }

    public void Symlink(ReadOnlySpan<byte> target) => _nar.Symlink(target);

    public void BeginDirectory() => _nar.BeginDirectory();

    public void BeginEntry(ReadOnlySpan<byte> name)
    {
        _names.Add(name.ToArray());
        _nar.BeginEntry(name);
    }

    public void EndEntry()
    {
        _names.RemoveAt(_names.Count - 1);
        _nar.EndEntry();
    }

    public void EndDirectory() => _nar.EndDirectory();

    /// <summary>Writes what is left and the end record.</summary>
    public void Finish()
    {
        FlushLiteral();
        NarIndex.WriteEnd(_output);
        _output.Flush();
    }

    private void FlushLiteral()
    {
        if (_literal.Length > 0)
        {
            NarIndex.WriteLiteral(_output, _literal.GetBuffer().AsSpan(0, (int)_literal.Length));
            _literal.SetLength(0);
        }
    }

    private byte[] RelativePath()
    {
        var path = new List<byte>();
        foreach (var name in _names)
        {
            path.Add((byte)'/');
            path.AddRange(name);
        }
        return [.. path];
    }

    public void Dispose() => _hash.Dispose();

    /// <summary>Passes writes on, except while a large file's contents go by.</summary>
    private sealed class SkippingStream(Stream inner) : ForwardWriteStream
    {
        public bool Skipping { get; set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!Skipping)
            {
                inner.Write(buffer);
            }
        }

    }
}
