using Microsoft.Win32.SafeHandles;
using QiTech.Os.Errors;
using QiTech.Os.Platform;

namespace QiTech.Os.Nar;

/// <summary>
/// Recreates a tree from NAR events as <c>nix-store --restore</c> does (files 0666 or
/// 0777 less umask). The tree is built under a temporary sibling name and renamed onto
/// the destination only when the archive was complete, so a bad archive leaves nothing.
/// </summary>
public sealed class NarRestorer : INarSink, IDisposable
{
    private readonly Stack<int> _dirs = new();
    private byte[] _pendingName;
    private int _pendingDir;
    private SafeFileHandle? _file;
    private long _fileOffset;
    private readonly string _where;

    private NarRestorer(int parentFd, byte[] zname, string where)
    {
        _pendingDir = parentFd;
        _pendingName = zname;
        _where = where;
    }

    /// <summary>
    /// Restores one archive from <paramref name="input"/> to <paramref name="destination"/>,
    /// which must not exist or be an empty directory.
    /// </summary>
    public static void Restore(Stream input, string destination, CancellationToken cancel = default)
    {
        var full = Path.GetFullPath(destination);
        var parent = Path.GetDirectoryName(full) ?? "/";
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any()
            || File.Exists(full) || new FileInfo(full).LinkTarget != null)
        {
            throw new BadInputException($"{destination}: destination exists and is not an empty directory");
        }
        if (!Directory.Exists(parent))
        {
            throw new BadInputException($"{parent}: parent of the destination does not exist");
        }
        var temp = Path.Combine(parent, "." + Path.GetFileName(full) + ".restore-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        var parentFd = Posix.Open(Posix.AtFdCwd, Posix.Z(parent), Posix.ORdOnly | Posix.ODirectory, 0, parent);
        try
        {
            using (var restorer = new NarRestorer(parentFd, Posix.Z(Path.GetFileName(temp)), destination))
            {
                var reader = new NarReader(input);
                reader.Read(restorer, cancel);
                reader.ExpectEnd();
            }
            if (Directory.Exists(full))
            {
                Directory.Delete(full);
            }
            if (!Posix.RenameAt(parentFd, Posix.Z(Path.GetFileName(temp)), parentFd, Posix.Z(Path.GetFileName(full))))
            {
                throw Posix.Error("cannot move restored tree into place", destination);
            }
        }
        catch
        {
            TreeRemover.Remove(temp);
            throw;
        }
        finally
        {
            Posix.close(parentFd);
        }
    }

    public void BeginRegular(bool executable, long size)
    {
        var fd = Posix.Open(_pendingDir, _pendingName, Posix.OWrOnly | Posix.OCreat | Posix.OExcl, executable ? Posix.Mode0777 : Posix.Mode0666, _where);
        _file = Posix.Handle(fd);
        _fileOffset = 0;
        if (size > 0)
        {
            // Reserve the space at once so a full disk fails before any data is written.
            RandomAccess.SetLength(_file, size);
        }
    }

    public void Data(ReadOnlySpan<byte> chunk)
    {
        RandomAccess.Write(_file!, chunk, _fileOffset);
        _fileOffset += chunk.Length;
    }

    public void EndRegular()
    {
        _file!.Dispose();
        _file = null;
    }

    public void Symlink(ReadOnlySpan<byte> target)
    {
        if (!Posix.SymlinkAt(Posix.Z(target), _pendingDir, _pendingName))
        {
            throw Posix.Error("cannot create symlink", _where);
        }
    }

    public void BeginDirectory()
    {
        if (!Posix.MkdirAt(_pendingDir, _pendingName, Posix.Mode0777))
        {
            throw Posix.Error("cannot create directory", _where);
        }
        _dirs.Push(Posix.Open(_pendingDir, _pendingName, Posix.ORdOnly | Posix.ODirectory, 0, _where));
    }

    public void BeginEntry(ReadOnlySpan<byte> name)
    {
        _pendingDir = _dirs.Peek();
        _pendingName = Posix.Z(name);
    }

    public void EndEntry()
    {
    }

    public void EndDirectory() => Posix.close(_dirs.Pop());

    public void Dispose()
    {
        _file?.Dispose();
        while (_dirs.Count > 0)
        {
            Posix.close(_dirs.Pop());
        }
    }
}
