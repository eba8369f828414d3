using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Cache;

/// <summary>
/// The NAR an index describes, as a stream: its literal bytes, and each file's contents read
/// from the local file that holds them (the store's own copy or a downloaded blob). Nothing
/// here is checked; the reader hashes the result against the signed NarHash.
/// </summary>
internal sealed class NarIndexStream(NarIndex index, IReadOnlyDictionary<Sha256Digest, string> contents, string place) : ForwardReadStream
{
    private int _record = -1;
    private long _offsetInRecord;
    private FileStream? _file;
    private long _position;

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (_record >= index.Records.Count || buffer.IsEmpty)
            {
                return 0;
            }
            if (_record < 0 || _offsetInRecord == index.Records[_record].Size)
            {
                Next();
                continue;
            }
            var record = index.Records[_record];
            var want = (int)Math.Min(buffer.Length, record.Size - _offsetInRecord);
            int n;
            if (record.Bytes is { } bytes)
            {
                bytes.AsSpan((int)_offsetInRecord, want).CopyTo(buffer);
                n = want;
            }
            else
            {
                n = _file!.Read(buffer[..want]);
                if (n == 0)
                {
                    throw new CacheException($"{place}: the local copy of {record.Content.ToBase32()} ({_file.Name}) is shorter than the {record.Size} bytes the index names");
                }
            }
            _offsetInRecord += n;
            _position += n;
            return n;
        }
    }

    private void Next()
    {
        _file?.Dispose();
        _file = null;
        _record++;
        _offsetInRecord = 0;
        if (_record < index.Records.Count && index.Records[_record].IsFile)
        {
            var source = contents[index.Records[_record].Content];
            try
            {
                _file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CacheException($"{place}: cannot read {source}: {e.Message}");
            }
        }
    }

    protected override long BytesRead => _position;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file?.Dispose();
        }
        base.Dispose(disposing);
    }
}
