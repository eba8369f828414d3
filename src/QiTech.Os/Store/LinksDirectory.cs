using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// <c>&lt;store&gt;/.links</c>: one hard link per distinct file content (and executable bit),
/// named by its SHA-256. A store file whose content is already here becomes another link
/// to it instead of a second copy.
/// </summary>
internal sealed class LinksDirectory : IDisposable
{
    private int _fd;

    public LinksDirectory(string path)
    {
        Directory.CreateDirectory(path);
        Path = path;
        _fd = Posix.Open(Posix.AtFdCwd, Posix.Z(path), Posix.ORdOnly | Posix.ODirectory, 0, path);
    }

    public string Path { get; }

    public static byte[] Key(Sha256Digest content, bool executable) =>
        Posix.Z(content.ToBase32() + (executable ? "-x" : ""));

    /// <summary>Makes <paramref name="zname"/> in <paramref name="dirfd"/> a link to known content; false if unknown (or the link count is full).</summary>
    public bool TryLinkExisting(byte[] key, int dirfd, byte[] zname) => Posix.LinkAt(_fd, key, dirfd, zname);

    /// <summary>Records a canonical store file as the copy of its content; false when another won the race (fine).</summary>
    public bool Publish(int dirfd, byte[] zname, byte[] key) => Posix.LinkAt(dirfd, zname, _fd, key);

    /// <summary>
    /// The file holding <paramref name="content"/> (with either executable bit: the bytes are
    /// the same), or null when the store has no such content.
    /// </summary>
    public string? FindContent(Sha256Digest content)
    {
        foreach (var executable in (ReadOnlySpan<bool>)[false, true])
        {
            var key = Key(content, executable);
            if (Exists(key))
            {
                return System.IO.Path.Combine(Path, Posix.Show(key.AsSpan(0, key.Length - 1)));
            }
        }
        return null;
    }

    public bool Exists(byte[] key) => Posix.TryStat(_fd, key, out _);

    public Posix.Statx? Stat(byte[] key) => Posix.TryStat(_fd, key, out var st) ? st : null;

    /// <summary>
    /// Removes those of <paramref name="keys"/> no store file links to (work that was dropped).
    /// Best effort: what stays is pruned by the next collection. A concurrent import that
    /// linked to one meanwhile keeps its file; only the sharing of that content is lost.
    /// </summary>
    public void RemoveUnused(IEnumerable<byte[]> keys)
    {
        foreach (var key in keys)
        {
            if (Posix.TryStat(_fd, key, out var st) && st.Nlink == 1)
            {
                Posix.UnlinkAt(_fd, key, false);
            }
        }
    }

    /// <summary>Removes entries no store file links to any more; returns bytes freed.</summary>
    public long Prune()
    {
        long freed = 0;
        foreach (var name in Posix.ListDirectory(_fd, Posix.Z("."), Path))
        {
            var z = Posix.Z(name);
            if (Posix.TryStat(_fd, z, out var st) && st.Nlink == 1 && Posix.UnlinkAt(_fd, z, false))
            {
                freed += (long)st.Size;
            }
        }
        return freed;
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Posix.close(_fd);
            _fd = -1;
        }
    }
}
