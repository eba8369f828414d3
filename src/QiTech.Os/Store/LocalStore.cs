using System.Text;
using QiTech.Os.Errors;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// The content-addressed store under a root: immutable paths in <c>R/qitech/store</c>,
/// registered in <c>R/qitech/var/db.sqlite</c>. A path is built privately under
/// <c>.tmp</c>, renamed into place and registered under the store lock, so a process killed
/// at any instant leaves either nothing or a complete, registered path; leftovers of a dead
/// process are removed when the store is next opened.
/// </summary>
public sealed class LocalStore : IDisposable
{
    private readonly StoreDatabase _db;
    private readonly PendingJournal _pending;
    private readonly LinksDirectory _links;

    private LocalStore(SystemLayout layout, TimeProvider time)
    {
        Layout = layout;
        Time = time;
        Computer = new StorePathComputer(layout.StoreDir);
        CreateDirectory(layout.PhysicalStoreDir);
        CreateDirectory(TmpDir);
        CreateDirectory(layout.StateDir);
        _db = new StoreDatabase(layout.DatabasePath, layout.StoreDir);
        _pending = new PendingJournal(Path.Combine(layout.StateDir, "pending"));
        try
        {
            CreateDirectory(LinksDir);
            _links = new LinksDirectory(LinksDir);
        }
        catch
        {
            _db.Dispose();
            throw;
        }
    }

    /// <summary>Creates a directory of the store, saying so plainly when a file is in its place.</summary>
    private static void CreateDirectory(string path)
    {
        if (File.Exists(path))
        {
            throw new IOException($"{path}: is a file, not a directory");
        }
        Directory.CreateDirectory(path);
    }

    public SystemLayout Layout { get; }

    public StorePathComputer Computer { get; }

    /// <summary>The clock of registration times.</summary>
    public TimeProvider Time { get; }

    internal string TmpDir => Path.Combine(Layout.PhysicalStoreDir, ".tmp");

    internal string LinksDir => Path.Combine(Layout.PhysicalStoreDir, ".links");

    internal LinksDirectory Links => _links;

    internal StoreDatabase Database => _db;

    /// <summary>Opens (creating when needed) the store under <paramref name="layout"/> and cleans what dead processes left.</summary>
    public static LocalStore Open(SystemLayout layout, TimeProvider? time = null)
    {
        LocalStore? store = null;
        try
        {
            store = new LocalStore(layout, time ?? TimeProvider.System);
            store.Recover();
            return store;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            store?.Dispose();
            throw new QiTechOsException($"cannot open the store: {ErrorReport.Describe(e).Line}", inner: e);
        }
    }

    public string PhysicalPath(StorePath path) => Layout.PhysicalPath(path);

    public string Render(StorePath path) => Layout.StoreDir.Render(path);

    /// <summary>Parses a full logical store path, or a physical one under this root.</summary>
    public StorePath ParsePath(string text)
    {
        if (Layout.StoreDir.TryParse(text.TrimEnd('/'), out var path, out var error))
        {
            return path;
        }
        var physicalPrefix = Layout.PhysicalStoreDir + "/";
        if (text.StartsWith(physicalPrefix, StringComparison.Ordinal)
            && StorePath.TryParseBaseName(text[physicalPrefix.Length..].TrimEnd('/'), out path, out error))
        {
            return path;
        }
        throw new BadInputException($"'{text}' {error.Describe()} ({Layout.StoreDir})");
    }

    public bool IsValid(StorePath path) => _db.IsValid(path);

    public PathInfo? QueryPathInfo(StorePath path) => _db.Query(path);

    public IReadOnlyList<StorePath> AllValidPaths() => _db.AllValid();

    /// <summary>Every path reachable from <paramref name="roots"/> through references, roots included.</summary>
    public IReadOnlySet<StorePath> Closure(IEnumerable<StorePath> roots)
    {
        var seen = new HashSet<StorePath>();
        var work = new Stack<StorePath>(roots);
        while (work.Count > 0)
        {
            var path = work.Pop();
            if (!seen.Add(path))
            {
                continue;
            }
            var info = _db.Query(path) ?? throw new QiTechOsException($"{Render(path)}: not a valid store path");
            foreach (var reference in info.References)
            {
                work.Push(reference);
            }
        }
        return seen;
    }

    /// <summary>
    /// Imports a file, symlink or tree as <c>nix-store --add</c> does, with references to
    /// valid paths found by scanning. Returns at once if the same content is already there.
    /// </summary>
    public StorePath AddPath(string sourcePath, string? name = null, CancellationToken cancel = default) =>
        AddPathWithStats(sourcePath, name, cancel).Path;

    /// <summary>As <see cref="AddPath"/>, also telling how many bytes were newly written.</summary>
    public AddResult AddPathWithStats(string sourcePath, string? name = null, CancellationToken cancel = default)
    {
        var full = Path.GetFullPath(sourcePath);
        name ??= Path.GetFileName(full.TrimEnd('/'));
        if (!StorePath.IsValidName(name))
        {
            throw new BadInputException($"'{name}' cannot be a store path name: {StorePathError.InvalidName.Describe()} (choose one with --name)");
        }
        using var gcGuard = FileLock.Acquire(GcLockPath, exclusive: false);
        using var temp = TempTree.Create(TmpDir, _links);
        var scanner = new ReferenceScanner(_db.AllValid());
        using var hashing = new HashingStream(scanner);
        using var buffered = new BufferedStream(hashing, 1 << 16);
        using var sink = new StoreImportSink(temp, Posix.Z("out"), full);
        FileSystemNarSource.Read(full, new NarTee(new NarSerializer(buffered), sink), cancel);
        buffered.Flush();
        sink.Finish();
        var narHash = hashing.Finish();
        var references = scanner.Found.Order().ToList();
        var path = Computer.MakeSourcePath(narHash, name, references);
        var info = new PathInfo(path, narHash, hashing.BytesWritten, references, null, Time.GetUtcNow(), [],
            $"fixed:r:sha256:{narHash.ToBase32()}");
        var added = MoveIntoStore(temp, info);
        return new AddResult(path, added ? sink.BytesWritten : 0, added);
    }

    /// <summary>A single text file as a store path (as <c>builtins.toFile</c>).</summary>
    public StorePath AddText(string name, string text, IReadOnlyCollection<StorePath> references)
    {
        if (!StorePath.IsValidName(name))
        {
            throw new BadInputException($"'{name}' cannot be a store path name: {StorePathError.InvalidName.Describe()}");
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        var path = Computer.MakeTextPath(Sha256Digest.Of(bytes), name, references);
        if (_db.IsValid(path))
        {
            return path;
        }
        using var gcGuard = FileLock.Acquire(GcLockPath, exclusive: false);
        using var temp = TempTree.Create(TmpDir, _links);
        using var hashing = new HashingStream();
        using var sink = new StoreImportSink(temp, Posix.Z("out"), name);
        var tee = new NarTee(new NarSerializer(hashing), sink);
        tee.BeginRegular(false, bytes.Length);
        tee.Data(bytes);
        tee.EndRegular();
        sink.Finish();
        var narHash = hashing.Finish();
        var info = new PathInfo(path, narHash, hashing.BytesWritten, references.Order().ToList(), null, Time.GetUtcNow(), [],
            $"text:sha256:{Sha256Digest.Of(bytes).ToBase32()}");
        MoveIntoStore(temp, info);
        return path;
    }

    internal string GcLockPath => Path.Combine(Layout.StateDir, "gc.lock");

    /// <summary>
    /// Keeps the garbage collector out until disposed: paths added meanwhile are not rooted yet
    /// (a package before the system that refers to it, a system before its generation), and a
    /// collection would delete them. A collection waits for this.
    /// </summary>
    public IDisposable HoldOffGarbageCollection() => FileLock.Acquire(GcLockPath, exclusive: false);

    internal string StoreLockPath => Path.Combine(Layout.StateDir, "store.lock");

    /// <summary>
    /// Renames <c>temp/out</c> to the store path and registers it, under the store lock.
    /// Returns false if the path was already valid (the work is dropped).
    /// </summary>
    internal bool MoveIntoStore(TempTree temp, PathInfo info) => MoveIntoStore(temp, [new TempEntry("out", info)]).Count == 1;

    /// <summary>
    /// Renames each entry of <paramref name="temp"/> to its store path and registers them all in
    /// one transaction, under the store lock: a kill at any instant leaves all of them or none.
    /// Entries whose path is already valid are skipped (their work is dropped). References must
    /// be valid or among the entries. Returns the paths that were new.
    /// </summary>
    internal IReadOnlyList<StorePath> MoveIntoStore(TempTree temp, IReadOnlyList<TempEntry> entries)
    {
        temp.CheckComplete();
        using var storeLock = FileLock.Acquire(StoreLockPath, exclusive: true);
        var fresh = entries.Where(e => !_db.IsValid(e.Info.Path)).ToList();
        var arriving = fresh.Select(e => e.Info.Path).ToHashSet();
        foreach (var info in fresh.Select(e => e.Info))
        {
            foreach (var reference in info.References)
            {
                if (!arriving.Contains(reference) && !_db.IsValid(reference))
                {
                    throw new QiTechOsException($"cannot add {Render(info.Path)}: its reference {Render(reference)} is not valid (collected meanwhile?)");
                }
            }
        }
        if (fresh.Count == 0)
        {
            return [];
        }
        // Something unregistered under such a name is garbage from a crash: clear it.
        foreach (var entry in fresh)
        {
            TreeRemover.Remove(PhysicalPath(entry.Info.Path));
        }
        _pending.Add(arriving);
        try
        {
            var storeFd = Posix.Open(Posix.AtFdCwd, Posix.Z(Layout.PhysicalStoreDir), Posix.ORdOnly | Posix.ODirectory, 0, Layout.PhysicalStoreDir);
            try
            {
                foreach (var (tempName, info) in fresh)
                {
                    if (!Posix.RenameAt(temp.Fd, Posix.Z(tempName), storeFd, Posix.Z(info.Path.BaseName)))
                    {
                        throw Posix.Error("cannot move into the store", PhysicalPath(info.Path));
                    }
                    Posix.SetTimes(storeFd, Posix.Z(info.Path.BaseName), 1);
                }
                // Contents reach the disk before the database says they are there.
                Posix.SyncFileSystem(Layout.PhysicalStoreDir);
            }
            finally
            {
                Posix.close(storeFd);
            }
            FaultInjection.Point("store-before-register");
            _db.Register(fresh.Select(e => e.Info).ToList());
        }
        catch
        {
            // Nothing was registered: take back what was moved now rather than at the next open.
            RemoveUnregistered(arriving);
            throw;
        }
        foreach (var path in arriving)
        {
            _pending.Remove(path);
        }
        return fresh.Select(e => e.Info.Path).ToList();
    }

    /// <summary>Best effort (the pending notes stay for the next open if this fails too).</summary>
    private void RemoveUnregistered(IEnumerable<StorePath> paths)
    {
        try
        {
            foreach (var path in paths)
            {
                TreeRemover.Remove(PhysicalPath(path));
                _pending.Remove(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Recover() removes them when the store is next opened.
        }
    }

    /// <summary>Removes what a killed process left: half-moved entries and private work directories.</summary>
    private void Recover()
    {
        using var storeLock = FileLock.Acquire(StoreLockPath, exclusive: true);
        foreach (var path in _pending.Entries().ToList())
        {
            if (!_db.IsValid(path))
            {
                TreeRemover.Remove(PhysicalPath(path));
            }
            _pending.Remove(path);
        }
        TempTree.CleanAbandoned(TmpDir);
    }

    /// <summary>Removes <paramref name="paths"/> from the database, then from disk (crash-safe through the journal).</summary>
    internal void DeletePaths(IReadOnlyCollection<StorePath> paths)
    {
        using var storeLock = FileLock.Acquire(StoreLockPath, exclusive: true);
        foreach (var path in paths)
        {
            _pending.Add(path);
        }
        _db.Invalidate(paths);
        foreach (var path in paths)
        {
            FaultInjection.Point("gc-delete");
            TreeRemover.Remove(PhysicalPath(path));
            _pending.Remove(path);
        }
    }

    /// <summary>
    /// Puts a good copy (from <paramref name="goodCopy"/>, which must hash to
    /// <paramref name="expected"/>) in place of a damaged path with one atomic exchange.
    /// </summary>
    internal void ReplaceContents(StorePath path, string goodCopy, Sha256Digest expected, CancellationToken cancel)
    {
        using var gcGuard = FileLock.Acquire(GcLockPath, exclusive: false);
        using var temp = TempTree.Create(TmpDir, _links);
        using var hashing = new HashingStream();
        using (var sink = new StoreImportSink(temp, Posix.Z("out"), goodCopy))
        {
            FileSystemNarSource.Read(goodCopy, new NarTee(new NarSerializer(hashing), sink), cancel);
            sink.Finish();
        }
        if (hashing.Finish() != expected)
        {
            throw new QiTechOsException($"{goodCopy}: the copy to repair from changed while it was read");
        }
        temp.CheckComplete();
        using var storeLock = FileLock.Acquire(StoreLockPath, exclusive: true);
        var storeFd = Posix.Open(Posix.AtFdCwd, Posix.Z(Layout.PhysicalStoreDir), Posix.ORdOnly | Posix.ODirectory, 0, Layout.PhysicalStoreDir);
        try
        {
            var name = Posix.Z(path.BaseName);
            var swapped = Posix.TryStat(storeFd, name, out _)
                ? Posix.ExchangeAt(temp.Fd, Posix.Z("out"), storeFd, name)
                : Posix.RenameAt(temp.Fd, Posix.Z("out"), storeFd, name);
            if (!swapped)
            {
                throw Posix.Error("cannot put the repaired copy in place", PhysicalPath(path));
            }
            Posix.SetTimes(storeFd, name, 1);
            Posix.SyncFileSystem(Layout.PhysicalStoreDir);
        }
        finally
        {
            Posix.close(storeFd);
        }
    }

    public void Dispose()
    {
        _links?.Dispose();
        _db?.Dispose();
    }
}

/// <summary>A finished tree in a <see cref="TempTree"/> (by its name there) and the path it becomes.</summary>
internal readonly record struct TempEntry(string TempName, PathInfo Info);

/// <summary>What an add did: the path, the bytes of new content written, and whether it was new.</summary>
public readonly record struct AddResult(StorePath Path, long BytesWritten, bool WasNew);
