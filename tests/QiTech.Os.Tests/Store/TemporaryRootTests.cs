using QiTech.Os.Nix;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Store;

/// <summary>
/// A temporary root keeps a store path from collection while its process holds it, and nothing
/// once it is disposed or its process died (the next collection removes what it left).
/// </summary>
public sealed class TemporaryRootTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-temproot");
    private readonly LocalStore _store;

    public TemporaryRootTests() => _store = LocalStore.Open(new SystemLayout(_temp.Path, new StoreDirectory(StoreDirectory.Default)));

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    private string Folder => TemporaryRoot.FolderOf(_store.Layout);

    private GcResult Collect() => new GarbageCollector(_store).Collect(dryRun: false);

    [Fact]
    public void A_held_root_keeps_its_path_and_after_dispose_a_collection_takes_it()
    {
        var path = _store.AddText("built", "a system", []);
        var root = TemporaryRoot.Create(_store, path);

        var whileHeld = Collect();
        root.Dispose();
        var afterwards = Collect();

        Assert.DoesNotContain(path, whileHeld.Deleted);
        Assert.Contains(path, afterwards.Deleted);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Folder));
    }

    [Fact]
    public void A_root_its_process_left_behind_keeps_nothing_and_is_removed()
    {
        var path = _store.AddText("left", "a system", []);
        Directory.CreateDirectory(Folder);
        // What a killed process leaves: the link and a lock nobody holds any more.
        File.CreateSymbolicLink(Path.Combine(Folder, "4242-dead"), _store.Layout.StoreDir.Render(path));
        File.WriteAllText(Path.Combine(Folder, "4242-dead.lock"), "");

        var result = Collect();

        Assert.Contains(path, result.Deleted);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Folder));
    }
}
