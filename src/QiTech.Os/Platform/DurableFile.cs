using System.Text;

namespace QiTech.Os.Platform;

/// <summary>
/// Small state files written whole or not at all: temp file, fsync, rename, fsync the
/// directory (now, or once for a whole <see cref="SyncBatch"/>). The file's own fsync always
/// comes before the rename, so a crash never shows the new name with missing contents.
/// </summary>
public static class DurableFile
{
    public static void Write(string path, string text, SyncBatch? batch = null)
    {
        var dir = Path.GetDirectoryName(path) ?? "/";
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $"{AtomicLink.TempPrefix}{Environment.ProcessId}-{Random.Shared.Next():x}-{Path.GetFileName(path)}");
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        SyncBatch.SyncOrNote(dir, batch);
    }

    public static void Delete(string path, SyncBatch? batch = null)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
            SyncBatch.SyncOrNote(Path.GetDirectoryName(path) ?? "/", batch);
        }
    }

    /// <summary>Deletes temporary files a killed writer left in <paramref name="dir"/>.</summary>
    public static void CleanLeftovers(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(dir, AtomicLink.TempPrefix + "*"))
        {
            File.Delete(file);
        }
    }
}
