namespace QiTech.Os.Nar;

/// <summary>
/// A sink that can use the file a regular-file event comes from: the store copies a new
/// large file inside the kernel instead of holding or writing it twice.
/// </summary>
internal interface INarSourceAware
{
    /// <summary>Called before <see cref="INarSink.BeginRegular"/> with the file's directory descriptor and NUL-terminated name.</summary>
    void SetSource(int dirfd, byte[] zname);
}
