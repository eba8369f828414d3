using QiTech.Os.Nar;

namespace QiTech.Os.Store;

/// <summary>
/// Where NAR events become a canonical store tree in a <see cref="TempTree"/>: a
/// <see cref="StoreTreeWriter"/> on its own thread, so the caller's thread reads and NAR-hashes
/// while the writer hashes file contents and writes them. <see cref="Finish"/> must end the
/// events before the tree moves into the store (the store refuses a tree still being written).
/// </summary>
internal sealed class StoreImportSink : INarSink, IDisposable
{
    private readonly TempTree _temp;
    private readonly StoreTreeWriter _writer;
    private readonly PipelinedNarSink _pipe;
    private bool _finished;

    /// <summary>Builds the tree as <paramref name="zname"/> in <paramref name="temp"/>; <paramref name="where"/> names what is read, for messages.</summary>
    public StoreImportSink(TempTree temp, byte[] zname, string where)
    {
        _temp = temp;
        _writer = new StoreTreeWriter(temp, zname, where);
        _pipe = new PipelinedNarSink(_writer);
        temp.WriterStarted();
    }

    /// <summary>Bytes of file content that were new to the store and written (known after <see cref="Finish"/>).</summary>
    public long BytesWritten => _finished ? _writer.BytesWritten : throw new InvalidOperationException("the tree is still being written");

    public void BeginRegular(bool executable, long size) => _pipe.BeginRegular(executable, size);

    public void Data(ReadOnlySpan<byte> chunk) => _pipe.Data(chunk);

    public void EndRegular() => _pipe.EndRegular();

    public void Symlink(ReadOnlySpan<byte> target) => _pipe.Symlink(target);

    public void BeginDirectory() => _pipe.BeginDirectory();

    public void BeginEntry(ReadOnlySpan<byte> name) => _pipe.BeginEntry(name);

    public void EndEntry() => _pipe.EndEntry();

    public void EndDirectory() => _pipe.EndDirectory();

    /// <summary>Waits until every event is written; throws what the writer failed with.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }
        _pipe.Complete();
        _writer.Finish();
        _finished = true;
        _temp.WriterFinished();
    }

    public void Dispose()
    {
        // The writer's thread ends before its descriptors close.
        _pipe.Dispose();
        _writer.Dispose();
    }
}
