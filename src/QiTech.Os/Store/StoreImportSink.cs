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
    private readonly LinksDirectory _links;
    private readonly string _where;
    private readonly Stack<int> _dirs = new();
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

    public StoreImportSink(int parentFd, byte[] zname, LinksDirectory links, string where)
    {
        _pendingDir = parentFd;
        _pendingName = zname;
        _links = links;
        _where = where;
    }

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
            using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(_spillFd, ownsHandle: false);
            RandomAccess.Write(handle, chunk, _spilled);
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
                _links.Publish(_pendingDir, _pendingName, key);
            }
        }
        else if (!_links.TryLinkExisting(key, _pendingDir, _pendingName))
        {
            WriteNew();
            _links.Publish(_pendingDir, _pendingName, key);
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
                using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false);
                RandomAccess.Write(handle, _hold.AsSpan(0, _held), 0);
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
        var src = Posix.Open(_sourceDir, _sourceName!, Posix.ORdOnly | Posix.ONoFollow, 0, _where);
        try
        {
            if (!Posix.CopyFileRange(src, fd, _size))
            {
                throw new IOException($"{_where}: cannot copy a file into the store");
            }
        }
        finally
        {
            Posix.close(src);
        }
    }

    private int CreateFile() =>
        Posix.Open(_pendingDir, _pendingName, Posix.OWrOnly | Posix.OCreat | Posix.OExcl,
            _executable ? Posix.Mode0555 : Posix.Mode0444, _where);

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
            throw Posix.Error("cannot create symlink", _where);
        }
        Posix.SetTimes(_pendingDir, _pendingName, CanonicalTime);
    }

    public void BeginDirectory()
    {
        if (!Posix.MkdirAt(_pendingDir, _pendingName, Posix.Mode0755))
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
