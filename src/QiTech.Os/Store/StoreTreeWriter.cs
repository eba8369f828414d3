using System.Security.Cryptography;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// Builds a canonical store tree from NAR events (modes 0444/0555, mtime 1) and shares file
/// contents through <see cref="LinksDirectory"/>: a file whose content the store already holds
/// becomes a hard link. Small files are held in memory until their hash is known and written
/// only when new; large ones are written as they come (never read twice) and replaced by a link
/// when their content turns out to be known. Writeback of each new file starts as soon as it is
/// complete (on a thread of its own), so the store's flush before registering has little left to do.
/// </summary>
internal sealed class StoreTreeWriter : INarSink, IDisposable
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
    private readonly BackgroundWriteback _writeback = new();
    private int _pendingDir;
    private byte[] _pendingName;
    private bool _executable;
    private long _size;
    private int _held;
    private int _spillFd = -1;
    private long _spilled;

    /// <summary>Builds the tree as <paramref name="zname"/> in <paramref name="temp"/>; <paramref name="where"/> names what is read, for messages.</summary>
    public StoreTreeWriter(TempTree temp, byte[] zname, string where)
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

    public void BeginRegular(bool executable, long size)
    {
        _executable = executable;
        _size = size;
        _held = 0;
        _spilled = 0;
        _spillFd = -1;
        if (size > HoldLimit)
        {
            _spillFd = CreateFile();
        }
    }

    public void Data(ReadOnlySpan<byte> chunk)
    {
        _contentHash.AppendData(chunk);
        if (_spillFd >= 0)
        {
            Posix.WriteAll(_spillFd, chunk, _spilled, Here, _writeInto);
            _spilled += chunk.Length;
        }
        else
        {
            chunk.CopyTo(_hold.AsSpan(_held));
            _held += chunk.Length;
        }
    }

    public void EndRegular()
    {
        var key = LinksDirectory.Key(new Sha256Digest(_contentHash.GetHashAndReset()), _executable);
        if (_spillFd >= 0)
        {
            EndSpilled(key);
        }
        else if (!_links.TryLinkExisting(key, _pendingDir, _pendingName))
        {
            WriteHeld();
            _temp.Publish(_pendingDir, _pendingName, key);
        }
    }

    /// <summary>A large file already written: kept and published when its content is new, else swapped for a link.</summary>
    private void EndSpilled(byte[] key)
    {
        var fd = _spillFd;
        _spillFd = -1;
        var scratch = _temp.ScratchName();
        if (_links.TryLinkExisting(key, _temp.Fd, scratch))
        {
            // Its dirty pages go with the unlinked copy, never written to disk.
            Posix.close(fd);
            if (!Posix.RenameAt(_temp.Fd, scratch, _pendingDir, _pendingName))
            {
                throw Posix.Error(_writeInto, Here);
            }
            return;
        }
        FinishFile(fd);
        BytesWritten += _size;
        // Unknown content is published; known content whose link count is full keeps its own copy.
        if (!_links.Exists(key))
        {
            _temp.Publish(_pendingDir, _pendingName, key);
        }
    }

    private void WriteHeld()
    {
        var fd = CreateFile();
        try
        {
            Posix.WriteAll(fd, _hold.AsSpan(0, _held), 0, Here, _writeInto);
        }
        catch
        {
            Posix.close(fd);
            throw;
        }
        FinishFile(fd);
        BytesWritten += _size;
    }

    private int CreateFile()
    {
        var fd = Posix.TryOpen(_pendingDir, _pendingName, Posix.OWrOnly | Posix.OCreat | Posix.OExcl,
            _executable ? Posix.Mode0555 : Posix.Mode0444);
        return fd >= 0 ? fd : throw Posix.Error("cannot create a file in " + _temp.StoreDirectory, Here);
    }

    private void FinishFile(int fd)
    {
        Posix.SetTimes(fd, CanonicalTime);
        _writeback.Add(fd);
    }

    /// <summary>Waits until every new file's writeback has started and it is closed.</summary>
    public void Finish() => _writeback.Drain();

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
        _writeback.Dispose();
        if (_spillFd >= 0)
        {
            Posix.close(_spillFd);
            _spillFd = -1;
        }
        while (_dirs.Count > 0)
        {
            Posix.close(_dirs.Pop());
        }
        _contentHash.Dispose();
    }
}
