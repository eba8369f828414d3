using System.Text;
using QiTech.Os.Platform;

namespace QiTech.Os.Activation;

/// <summary>
/// Durable writes and renames on the ESP, which is FAT. A rename there moves the file to the
/// target's directory slot, but the slot's start cluster and size are written only with the
/// renamed file's own inode, while the clusters of a file it replaced are freed in the
/// allocation table at once. Syncing only the folder (right for ext4) wrote the table and
/// left the slot naming the freed clusters: after a power cut, entries of their old size with
/// no data, and a boot loader with nothing to boot (seen in the VM). So after every rename the
/// file itself is synced (its slot), then the folder (the temporary name gone).
/// </summary>
public static class EspFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/>, durable on return.</summary>
    public static void Write(string path, string text)
    {
        var temp = path + ".partial";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }
        Move(temp, path);
    }

    /// <summary>Renames <paramref name="from"/> (already synced) to <paramref name="to"/>, replacing it; durable on return.</summary>
    public static void Move(string from, string to)
    {
        File.Move(from, to, overwrite: true);
        // Opened for writing: a read-only FileStream's Flush(true) does not call fsync at all.
        using (var renamed = new FileStream(to, FileMode.Open, FileAccess.ReadWrite))
        {
            renamed.Flush(flushToDisk: true);
        }
        Posix.FsyncDirectory(Path.GetDirectoryName(to)!);
    }
}
