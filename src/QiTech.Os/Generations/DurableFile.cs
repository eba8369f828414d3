using System.Text;
using QiTech.Os.Platform;

namespace QiTech.Os.Generations;

/// <summary>Small state files written whole or not at all: temp file, fsync, rename, fsync the directory.</summary>
public static class DurableFile
{
    public static void Write(string path, string text)
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
        Posix.FsyncDirectory(dir);
    }

    public static void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
            Posix.FsyncDirectory(Path.GetDirectoryName(path) ?? "/");
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
