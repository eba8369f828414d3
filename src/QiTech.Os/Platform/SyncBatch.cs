
namespace QiTech.Os.Platform;

/// <summary>
/// Directory changes made durable together: steps replayed from a durable journal need not
/// each wait for the disk, only all of them before the journal goes. <see cref="Flush"/>
/// syncs each touched directory once (the first sync commits the filesystem's journal, the
/// rest find their changes committed), and works across filesystems (/boot, /run, /etc).
/// </summary>
public sealed class SyncBatch
{
    private readonly List<string> _directories = [];

    /// <summary>Notes that an entry of <paramref name="directory"/> was added, replaced or removed.</summary>
    public void Touched(string directory)
    {
        if (!_directories.Contains(directory, StringComparer.Ordinal))
        {
            _directories.Add(directory);
        }
    }

    /// <summary>Makes a change in <paramref name="directory"/> durable: now, or with <paramref name="batch"/> when there is one.</summary>
    public static void SyncOrNote(string directory, SyncBatch? batch)
    {
        if (batch != null)
        {
            batch.Touched(directory);
        }
        else
        {
            Posix.FsyncDirectory(directory);
        }
    }

    public void Flush()
    {
        foreach (var directory in _directories)
        {
            if (Directory.Exists(directory))
            {
                Posix.FsyncDirectory(directory);
            }
        }
        _directories.Clear();
    }
}
