namespace QiTech.Os.Nar;

/// <summary>Forwards every event to two sinks: archive and hash while importing, in one read.</summary>
public sealed class NarTee(INarSink first, INarSink second) : INarSink
{
    public void BeginRegular(bool executable, long size)
    {
        first.BeginRegular(executable, size);
        second.BeginRegular(executable, size);
    }

    public void Data(ReadOnlySpan<byte> chunk)
    {
        first.Data(chunk);
        second.Data(chunk);
    }

    public void EndRegular()
    {
        first.EndRegular();
        second.EndRegular();
    }

    public void Symlink(ReadOnlySpan<byte> target)
    {
        first.Symlink(target);
        second.Symlink(target);
    }

    public void BeginDirectory()
    {
        first.BeginDirectory();
        second.BeginDirectory();
    }

    public void BeginEntry(ReadOnlySpan<byte> name)
    {
        first.BeginEntry(name);
        second.BeginEntry(name);
    }

    public void EndEntry()
    {
        first.EndEntry();
        second.EndEntry();
    }

    public void EndDirectory()
    {
        first.EndDirectory();
        second.EndDirectory();
    }
}
