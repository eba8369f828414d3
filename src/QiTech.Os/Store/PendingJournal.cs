using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// Names the store entries that are being moved in or out, so that a process killed between
/// the file system step and the database step leaves a note: at the next start an entry the
/// database does not know is removed. One empty file per entry, under the store lock.
/// </summary>
internal sealed class PendingJournal(string directory)
{
    public void Add(StorePath path) => Add([path]);

    /// <summary>Notes every path, then makes the notes durable with one directory sync.</summary>
    public void Add(IEnumerable<StorePath> paths)
    {
        Directory.CreateDirectory(directory);
        foreach (var path in paths)
        {
            using (File.Create(Note(path)))
            {
            }
        }
        Posix.FsyncDirectory(directory);
    }

    public void Remove(StorePath path) => File.Delete(Note(path));

    public IEnumerable<StorePath> Entries()
    {
        if (!Directory.Exists(directory))
        {
            yield break;
        }
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            if (StorePath.TryParseBaseName(Path.GetFileName(file), out var path, out _))
            {
                yield return path;
            }
        }
    }

    private string Note(StorePath path) => Path.Combine(directory, path.BaseName);
}
