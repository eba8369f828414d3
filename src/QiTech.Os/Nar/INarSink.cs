namespace QiTech.Os.Nar;

/// <summary>
/// Receives a file system tree as a stream of events, in NAR order (entries sorted by name
/// bytes). A file's contents arrive in chunks between <see cref="BeginRegular"/> and
/// <see cref="EndRegular"/>, so no file is ever held whole in memory.
/// </summary>
public interface INarSink
{
    void BeginRegular(bool executable, long size);

    void Data(ReadOnlySpan<byte> chunk);

    void EndRegular();

    void Symlink(ReadOnlySpan<byte> target);

    void BeginDirectory();

    /// <summary>Starts a directory entry; the next node event is the entry's node.</summary>
    void BeginEntry(ReadOnlySpan<byte> name);

    void EndEntry();

    void EndDirectory();
}
