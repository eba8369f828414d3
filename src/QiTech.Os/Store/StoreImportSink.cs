using System.Security.Cryptography;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// Builds a canonical store tree from NAR events (modes 0444/0555, mtime 1) and shares file
/// contents through <see cref="LinksDirectory"/>: a file whose content the store already holds
/// becomes a hard link and is never written. Small files are held in memory until their hash
/// is known; large ones are copied from their source file when there is one, else spilled.
/// </summary>
internal sealed class StoreImportSink : INarSink, INarSourceAware, IDisposable
{
    private const int HoldLimit = 1 << 20;
    private const long CanonicalTime = 1;
    private readonly TempTree _temp;
    private readonly LinksDirectory _links;
    private readonly string _where;
    private readonly string _writeInto;
    private readonly Stack<int> _dirs = new();
    private readonly List<string> _entryNames = [];
    private readonly IncrementalHash _contentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _hold = new byte[HoldLimit];
    private int _pendingDir;
    private byte[] _pendingName;
    private int _sourceDir = -1;
    private byte[]? _sourceName;
    private bool _executable;
    private long _size;
    private int _held;
    private int _spillFd = -1;
    private long _spilled;

    /// <summary>Builds the tree as <paramref name="zname"/> in <paramref name="temp"/>; <paramref name="where"/> names what is read, for messages.</summary>
    public StoreImportSink(TempTree temp, byte[] zname, string where)
    {
        _temp = temp;
        _pendingDir = temp.Fd;
        _pendingName = zname;
        _links = temp.Links;
        _where = where;
        _writeInto = "cannot write into " + temp.StoreDirectory;
    }

    /// <summary>The entry being written, as a path under what is read ("src/lib/a.so").</summary>
    private string Here => _entryNames.Count == 0 ? _where : _where + "/" + string.Join('/', _entryNames);

    /// <summary>Bytes of file content that were new to the store and written.</summary>
    public long BytesWritten { get; private set; }

    public void SetSource(int dirfd, byte[] zname)
    {
        _sourceDir = dirfd;
        _sourceName = zname;
    }

    public void BeginRegular(bool executable, long size)
    {
        _executable = executable;
        _size = size;
        _held = 0;
        _spilled = 0;
        _spillFd = -1;
        // A large file with no source to copy from is written as it comes.
        if (size > HoldLimit && _sourceName == null)
        {
            _spillFd = CreateFile();
        }
    }

    public void Data(ReadOnlySpan<byte> chunk)
    {
        _contentHash.AppendData(chunk);
        if (_size <= HoldLimit)
        {
            chunk.CopyTo(_hold.AsSpan(_held));
            _held += chunk.Length;
        }
        else if (_spillFd >= 0)
        {
            Posix.WriteAll(_spillFd, chunk, _spilled, Here, _writeInto);
            _spilled += chunk.Length;
        }
    }

    public void EndRegular()
    {
        var key = LinksDirectory.Key(new Sha256Digest(_contentHash.GetHashAndReset()), _executable);
        if (_spillFd >= 0)
        {
            FinishFile(_spillFd);
            _spillFd = -1;
            if (_links.Exists(key))
            {
                Posix.UnlinkAt(_pendingDir, _pendingName, false);
                LinkOrCopy(key);
            }
            else
            {
                BytesWritten += _size;
                _temp.Publish(_pendingDir, _pendingName, key);
            }
        }
        else if (!_links.TryLinkExisting(key, _pendingDir, _pendingName))
        {
            WriteNew();
            _temp.Publish(_pendingDir, _pendingName, key);
        }
        _sourceName = null;
    }

    private void LinkOrCopy(byte[] key)
    {
        if (!_links.TryLinkExisting(key, _pendingDir, _pendingName))
        {
            WriteNew();
        }
    }

    private void WriteNew()
    {
        var fd = CreateFile();
        try
        {
            if (_size <= HoldLimit)
            {
                Posix.WriteAll(fd, _hold.AsSpan(0, _held), 0, Here, _writeInto);
            }
            else
            {
                CopyFromSource(fd);
            }
            FinishFile(fd);
            fd = -1;
            BytesWritten += _size;
        }
        finally
        {
            if (fd >= 0)
            {
                Posix.close(fd);
            }
        }
    }

    private void CopyFromSource(int fd)
    {
        var src = Posix.Open(_sourceDir, _sourceName!, Posix.ORdOnly | Posix.ONoFollow, 0, Here);
        try
        {
            Posix.CopyFile(src, fd, _size, Here, _writeInto);
        }
        finally
        {
            Posix.close(src);
        }
    }

    private int CreateFile()
    {
        var fd = Posix.TryOpen(_pendingDir, _pendingName, Posix.OWrOnly | Posix.OCreat | Posix.OExcl,
            _executable ? Posix.Mode0555 : Posix.Mode0444);
        return fd >= 0 ? fd : throw Posix.Error("cannot create a file in " + _temp.StoreDirectory, Here);
    }

    private static void FinishFile(int fd)
    {
        Posix.StartWriteback(fd);
        Posix.SetTimes(fd, CanonicalTime);
        Posix.close(fd);
    }

    public void Symlink(ReadOnlySpan<byte> target)
    {
        if (!Posix.SymlinkAt(Posix.Z(target), _pendingDir, _pendingName))
        {
            throw Posix.Error("cannot create symlink in " + _temp.StoreDirectory, Here);
        }
        Posix.SetTimes(_pendingDir, _pendingName, CanonicalTime);
    }

    public void BeginDirectory()
    {
        if (!Posix.MkdirAt(_pendingDir, _pendingName, Posix.Mode0755))
        {
            throw Posix.Error("cannot create directory in " + _temp.StoreDirectory, Here);
        }
        _dirs.Push(Posix.Open(_pendingDir, _pendingName, Posix.ORdOnly | Posix.ODirectory, 0, Here));
    }

    public void BeginEntry(ReadOnlySpan<byte> name)
    {
        _pendingDir = _dirs.Peek();
        _pendingName = Posix.Z(name);
        _entryNames.Add(Posix.Show(name));
    }

    public void EndEntry() => _entryNames.RemoveAt(_entryNames.Count - 1);

    public void EndDirectory()
    {
        var fd = _dirs.Pop();
        Posix.Fchmod(fd, Posix.Mode0555);
        Posix.SetTimes(fd, CanonicalTime);
        Posix.close(fd);
    }

    public void Dispose()
    {
        if (_spillFd >= 0)
        {
            Posix.close(_spillFd);
        }
        while (_dirs.Count > 0)
        {
            Posix.close(_dirs.Pop());
        }
        _contentHash.Dispose();
    }
}
