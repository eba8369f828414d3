using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Cache;

/// <summary>
/// Writes a store path's compressed NAR as a series of zstd frames, which any zstd reader (Nix's
/// among them) decompresses as one stream: the NAR's structure and small files go through one
/// running compressor, and each large file's contents are a frame of their own, compressed
/// beforehand (in parallel, see <see cref="CachePusher"/>) and copied in. That same frame is the
/// file's blob in the file layer, so a large file is compressed once for both. Files from
/// <see cref="OwnFrameFrom"/> bytes on lose next to nothing by being compressed alone: measured on
/// a self-contained ASP.NET Core publish, the whole NAR grew by 0.08 %, while files from 16 KiB
/// on would have grown it by 5.5 %. The running compressor also starts a new frame at the start
/// of a file of an index's blob size once the frame has <see cref="GroupBytes"/>: that file can
/// then be read out of its frame alone (<see cref="FrameMap"/>), so the cache needs no blob of it.
/// </summary>
internal sealed class FramedNarWriter : INarSink, IDisposable
{
    public const long OwnFrameFrom = 1 << 20;

    /// <summary>
    /// How much a running frame holds before the next file starts a new one. Measured on the same
    /// publish: the smaller files' part of the NAR compressed in frames of 64 KiB comes out about
    /// 9 % larger than in one stream; a machine missing one such file downloads one frame (some 25 KiB).
    /// </summary>
    public const long GroupBytes = 64 << 10;

    private readonly Stream _output;
    private readonly int _zstdLevel;
    private readonly Func<Sha256Digest, string?> _frameOf;
    private readonly string _shown;
    private readonly RoutingStream _routing;
    private readonly NarSerializer _nar;
    private readonly IReadOnlyList<(Sha256Digest Content, long Size)> _contents;
    private int _nextContent;
    private readonly List<(Sha256Digest Content, long Offset, long Length)> _frames = [];
    private readonly List<(long Offset, long Length)> _runningFrames = [];
    private readonly List<(Sha256Digest Content, int Frame, long Skip, long Size)> _grouped = [];
    private Sha256Digest _content;
    private bool _inOwnFrame;
    private bool _inGrouped;
    private long _runningBytes;
    private long _runningStart;
    private long _groupedSkip;
    private long _groupedSize;

    /// <param name="output">Where the compressed NAR goes; it reports its position (a file, or a <see cref="HashingStream"/> over one).</param>
    /// <param name="frameOf">The file holding the compressed frame of a large file's contents; null when there is none (the file changed since its frame was made).</param>
    /// <param name="contents">
    /// Every file of <see cref="NarIndex.InlineBelow"/> bytes or more, in the NAR's order, as the push's hashing read found
    /// them (<see cref="NarIndexSink.InOrder"/>): not hashed again here, since the NarHash of what is written is checked at the end.
    /// </param>
    public FramedNarWriter(Stream output, int zstdLevel, Func<Sha256Digest, string?> frameOf, IReadOnlyList<(Sha256Digest Content, long Size)> contents, string shown)
    {
        _output = output;
        _contents = contents;
        _zstdLevel = zstdLevel;
        _frameOf = frameOf;
        _shown = shown;
        _routing = new RoutingStream(this);
        _nar = new NarSerializer(_routing);
    }

    private Stream? Running { get; set; }

    /// <summary>Where each large file's frame lies in the compressed NAR, as written so far.</summary>
    public IReadOnlyList<(Sha256Digest Content, long Offset, long Length)> Frames => _frames;

    /// <summary>Where each smaller file (from <see cref="NarIndex.InlineBelow"/> bytes, below <see cref="OwnFrameFrom"/>) lies; complete after <see cref="Finish"/>.</summary>
    public FrameMap Map => new([.. _grouped.DistinctBy(g => g.Content).Select(g =>
        new FramedFile(g.Content, _runningFrames[g.Frame].Offset, _runningFrames[g.Frame].Length, g.Skip, g.Size))]);

    public void BeginRegular(bool executable, long size)
    {
        if (size >= NarIndex.InlineBelow)
        {
            if (_nextContent >= _contents.Count || _contents[_nextContent].Size != size)
            {
                throw Changed();
            }
            _content = _contents[_nextContent++].Content;
        }
        var grouped = size is >= NarIndex.InlineBelow and < OwnFrameFrom;
        if (grouped && _runningBytes >= GroupBytes)
        {
            EndRunningFrame();
        }
        _nar.BeginRegular(executable, size);
        if (size >= OwnFrameFrom)
        {
            EndRunningFrame();
            _inOwnFrame = true;
        }
        else if (grouped)
        {
            (_inGrouped, _groupedSkip, _groupedSize) = (true, _runningBytes, size);
        }
    }

    public void Data(ReadOnlySpan<byte> chunk) => _nar.Data(chunk);

    public void EndRegular()
    {
        if (_inGrouped)
        {
            _inGrouped = false;
            // The frame it is in is the running one, which ends as the next in the list.
            _grouped.Add((_content, _runningFrames.Count, _groupedSkip, _groupedSize));
        }
        if (_inOwnFrame)
        {
            _inOwnFrame = false;
            var content = _content;
            var frame = _frameOf(content)
                ?? throw Changed();
            using var source = new FileStream(frame, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var offset = _output.Position;
            source.CopyTo(_output);
            _frames.Add((content, offset, _output.Position - offset));
        }
        _nar.EndRegular();
    }

    public void Symlink(ReadOnlySpan<byte> target) => _nar.Symlink(target);

    public void BeginDirectory() => _nar.BeginDirectory();

    public void BeginEntry(ReadOnlySpan<byte> name) => _nar.BeginEntry(name);

    public void EndEntry() => _nar.EndEntry();

    public void EndDirectory() => _nar.EndDirectory();

    /// <summary>Ends the last frame; call once, after the tree. Returns the hash and size of the NAR (uncompressed).</summary>
    public (Sha256Digest NarHash, long NarSize) Finish()
    {
        if (_nextContent != _contents.Count)
        {
            throw Changed();
        }
        EndRunningFrame();
        return (_routing.Hashing.Finish(), _routing.Hashing.BytesWritten);
    }

    private void EndRunningFrame()
    {
        _routing.Flush();
        if (Running != null)
        {
            Running.Dispose();
            Running = null;
            _runningFrames.Add((_runningStart, _output.Position - _runningStart));
        }
        _runningBytes = 0;
    }

    private CacheException Changed() => new($"{_shown}: a file changed while it was pushed (run 'qitech-os store verify --check-contents')");

    public void Dispose()
    {
        Running?.Dispose();
        _routing.Hashing.Dispose();
    }

    /// <summary>
    /// Hashes every NAR byte; passes it to the running compressor unless it is a large file's
    /// contents, whose frame is copied in whole at its end. Buffers, since the serializer writes
    /// its small strings one by one.
    /// </summary>
    private sealed class RoutingStream(FramedNarWriter writer) : ForwardWriteStream
    {
        private readonly byte[] _buffer = new byte[1 << 16];
        private int _buffered;

        public HashingStream Hashing { get; } = new();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Hashing.Write(buffer);
            if (writer._inOwnFrame)
            {
                return;
            }
            writer._runningBytes += buffer.Length;
            if (_buffered + buffer.Length > _buffer.Length)
            {
                Flush();
                if (buffer.Length > _buffer.Length)
                {
                    Compressor().Write(buffer);
                    return;
                }
            }
            buffer.CopyTo(_buffer.AsSpan(_buffered));
            _buffered += buffer.Length;
        }

        public override void Flush()
        {
            if (_buffered > 0)
            {
                Compressor().Write(_buffer.AsSpan(0, _buffered));
                _buffered = 0;
            }
        }

        private Stream Compressor()
        {
            if (writer.Running == null)
            {
                writer._runningStart = writer._output.Position;
                writer.Running = Zstd.Compress(writer._output, writer._zstdLevel);
            }
            return writer.Running;
        }
    }
}
