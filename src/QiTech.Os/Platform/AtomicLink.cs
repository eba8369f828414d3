
namespace QiTech.Os.Platform;

/// <summary>
/// Pointer flips as Nix makes them: a fresh symlink under a temporary name, then rename(2)
/// over the old one, so a reader sees the old or the new target, never none. Alone, a flip
/// syncs its directory before and after the rename; within a <see cref="SyncBatch"/> (steps a
/// durable journal replays) the directory is synced once with the batch.
/// </summary>
public static class AtomicLink
{
    /// <summary>Prefix of temporary names; <see cref="CleanLeftovers"/> removes what a crash left.</summary>
    public const string TempPrefix = ".qitech-tmp-";

    public static void Replace(string linkPath, string target, SyncBatch? batch = null)
    {
        var dir = Path.GetDirectoryName(linkPath) ?? "/";
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $"{TempPrefix}{Environment.ProcessId}-{Random.Shared.Next():x}-{Path.GetFileName(linkPath)}");
        File.CreateSymbolicLink(temp, target);
        if (batch == null)
        {
            Posix.FsyncDirectory(dir);
        }
        if (!Posix.RenameAt(Posix.AtFdCwd, Posix.Z(temp), Posix.AtFdCwd, Posix.Z(linkPath)))
        {
            var error = Posix.Error("cannot replace", linkPath);
            File.Delete(temp);
            throw error;
        }
        SyncBatch.SyncOrNote(dir, batch);
    }

    /// <summary>The raw target of a symlink; null when nothing is there.</summary>
    /// <exception cref="IOException">The path exists but is not a symlink.</exception>
    public static string? ReadTarget(string linkPath)
    {
        if (!Posix.TryStat(Posix.AtFdCwd, Posix.Z(linkPath), out var st))
        {
            return null;
        }
        if (!st.IsSymlink)
        {
            throw new NotASymlinkException(linkPath);
        }
        return Posix.Show(Posix.ReadLink(Posix.AtFdCwd, Posix.Z(linkPath), linkPath));
    }

    /// <summary>Removes a symlink durably (now, or with <paramref name="batch"/>); absent is fine.</summary>
    public static void Remove(string linkPath, SyncBatch? batch = null)
    {
        if (!Posix.UnlinkAt(Posix.AtFdCwd, Posix.Z(linkPath), false) && Posix.LastErrno != Posix.ENOENT)
        {
            throw Posix.Error("cannot delete", linkPath);
        }
        SyncBatch.SyncOrNote(Path.GetDirectoryName(linkPath) ?? "/", batch);
    }

    /// <summary>Deletes temporary links a killed process left in <paramref name="dir"/>.</summary>
    public static void CleanLeftovers(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return;
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir, TempPrefix + "*"))
        {
            if (Posix.TryStat(Posix.AtFdCwd, Posix.Z(entry), out var st) && st.IsSymlink)
            {
                File.Delete(entry);
            }
        }
    }
}

/// <summary>A path that must be a symlink is a file or directory (hand-edited).</summary>
public sealed class NotASymlinkException(string path)
    : IOException($"{path}: expected a symlink, found a file or directory")
{
    public string Path { get; } = path;
}
