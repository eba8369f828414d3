using QiTech.Os.Platform;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Store;

/// <summary>The store through the CLI: add, dedup, references, gc, verify, optimise.</summary>
public sealed class StoreTests : IDisposable
{
    private readonly StoreRoot _store = new();

    public void Dispose() => _store.Dispose();

    private string Tree(string name, int files = 5, int size = 100_000, int seed = 1)
    {
        var dir = _store.Scratch(name);
        Directory.CreateDirectory(dir);
        var random = new Random(seed);
        for (var i = 0; i < files; i++)
        {
            var data = new byte[size];
            random.NextBytes(data);
            File.WriteAllBytes(Path.Combine(dir, $"file{i}.bin"), data);
        }
        return dir;
    }

    [Fact]
    public void Should_canonicalise_modes_and_times_in_the_store()
    {
        var src = TreeBuilder.EdgeCases(_store.Scratch("src"));

        var path = _store.Physical(_store.Add(src));

        foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories).Append(path))
        {
            var st = Posix.Stat(entry);
            Assert.Equal(1, st.Mtime.Seconds);
            if (!st.IsSymlink)
            {
                Assert.Equal(0, st.Mode & 0x92); // no write bit for anyone
                var expected = st.IsDirectory || st.IsExecutable ? Posix.Mode0555 : Posix.Mode0444;
                Assert.Equal(expected, st.Mode & 0xFFFu);
            }
        }
    }

    [Fact]
    public void Should_add_same_content_again_as_a_no_op_with_the_same_path()
    {
        var src = Tree("a");
        var first = _store.Add(src);
        var links = _store.LinkCount();
        var entries = _store.Entries();

        var second = _store.Add(src);

        Assert.Equal(first, second);
        Assert.Equal(links, _store.LinkCount());
        Assert.Equal(entries, _store.Entries());
    }

    [Fact]
    public void Should_store_only_the_changed_file_of_a_second_import()
    {
        // Given a tree in the store
        var v1 = Tree("v1", files: 20, size: 200_000);
        _store.Add(v1);
        var before = _store.DiskBytes();

        // When a copy with one file changed is imported
        var v2 = Tree("v2", files: 20, size: 200_000);
        File.WriteAllBytes(Path.Combine(v2, "file3.bin"), new byte[200_000]);
        var second = _store.Add(v2);

        // Then it is a new path, and the disk grew by about that one file
        Assert.NotEqual(_store.Add(v1), second);
        var growth = _store.DiskBytes() - before;
        Assert.InRange(growth, 200_000, 200_000 + 64 * 1024);
    }

    [Fact]
    public void Should_store_only_the_changed_file_of_a_second_import_of_large_files()
    {
        // Given files above the size held in memory, which are written as they are read
        var v1 = Tree("big1", files: 4, size: 3_000_000);
        var first = _store.Add(v1);
        var before = _store.DiskBytes();

        // When a copy with one of them changed is imported
        var v2 = Tree("big2", files: 4, size: 3_000_000);
        File.WriteAllBytes(Path.Combine(v2, "file2.bin"), new byte[3_000_000]);
        var second = _store.Add(v2);

        // Then the unchanged ones are links to the first copy, and only the changed one is new
        var growth = _store.DiskBytes() - before;
        Assert.InRange(growth, 3_000_000, 3_000_000 + 64 * 1024);
        Assert.Equal(File.ReadAllBytes(Path.Combine(v2, "file2.bin")), File.ReadAllBytes(Path.Combine(_store.Root + second, "file2.bin")));
        Assert.True(Posix.TryStat(Posix.AtFdCwd, Posix.Z(Path.Combine(_store.Root + first, "file1.bin")), out var st) && st.Nlink == 3,
            "an unchanged large file is not shared by both paths and .links");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_store.StoreDir, ".tmp")));
        var verify = _store.Cli("store", "verify", "--check-contents");
        Assert.True(verify.ExitCode == 0, verify.StdoutText + verify.Stderr);
    }

    [Fact]
    public void Should_record_references_found_in_contents_and_keep_them_alive_in_gc()
    {
        var lib = _store.Add(Tree("lib"));
        var app = _store.Scratch("app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "run"), $"#!/bin/sh\nexec {lib}/bin/x\n");
        var appPath = _store.Add(app);
        var unrelated = _store.Add(Tree("junk", seed: 9));
        Directory.CreateDirectory(_store.Physical("/qitech/gcroots"));
        File.CreateSymbolicLink(_store.Physical("/qitech/gcroots/app"), appPath);

        var info = _store.Cli("store", "path-info", "--json", appPath);
        var gc = _store.Cli("store", "gc");

        Assert.Contains(lib, info.StdoutText);
        Assert.Equal(0, gc.ExitCode);
        Assert.Contains("deleted " + unrelated, gc.StdoutText);
        Assert.Contains("1 store paths deleted", gc.StdoutText);
        Assert.True(Directory.Exists(_store.Physical(lib)));
        Assert.True(Directory.Exists(_store.Physical(appPath)));
        Assert.False(Directory.Exists(_store.Physical(unrelated)));
        Assert.Equal(0, _store.Cli("store", "verify", "--check-contents").ExitCode);
    }

    [Fact]
    public void Should_treat_profile_generations_and_current_system_as_roots()
    {
        var gen = _store.Add(Tree("gen1"));
        var current = _store.Add(Tree("cur", seed: 3));
        var garbage = _store.Add(Tree("old", seed: 4));
        Directory.CreateDirectory(_store.Physical("/qitech/profiles"));
        File.CreateSymbolicLink(_store.Physical("/qitech/profiles/system-1-link"), gen);
        File.CreateSymbolicLink(_store.Physical("/qitech/profiles/system"), "system-1-link");
        Directory.CreateDirectory(_store.Physical("/run"));
        File.CreateSymbolicLink(_store.Physical("/run/current-system"), current);

        var dry = _store.Cli("store", "gc", "--dry-run");
        Assert.Contains("would delete " + garbage, dry.StdoutText);
        Assert.True(Directory.Exists(_store.Physical(garbage)));

        var gc = _store.Cli("store", "gc");
        Assert.Equal(new[] { gen, current }.Select(p => p.Split('/').Last()).Order(), _store.Entries());
        Assert.Contains("freed", gc.StdoutText);
    }

    [Fact]
    public void Should_report_missing_and_modified_paths_and_repair_from_a_good_copy()
    {
        var a = _store.Add(Tree("a"));
        var b = _store.Add(Tree("b", seed: 2));
        using var other = new StoreRoot();
        other.Add(_store.Scratch("b"));
        var file = Path.Combine(_store.Physical(b), "file1.bin");
        File.Delete(file);
        File.WriteAllText(file, "tampered");
        TreeRemover.Remove(_store.Physical(a));

        var quick = _store.Cli("store", "verify");
        var full = _store.Cli("store", "verify", "--check-contents");
        var repair = _store.Cli("store", "verify", "--check-contents", "--repair-from", other.Root);

        Assert.Equal(1, quick.ExitCode);
        Assert.Contains("missing: " + a, quick.StdoutText);
        Assert.DoesNotContain(b, quick.StdoutText);
        Assert.Equal(1, full.ExitCode);
        Assert.Contains("modified: " + b, full.StdoutText);
        Assert.Contains("missing: " + a, full.StdoutText);
        Assert.Contains("repaired: " + b, repair.StdoutText);
        Assert.Equal(1, repair.ExitCode); // a has no good copy anywhere
        Assert.DoesNotContain(b, _store.Cli("store", "verify", "--check-contents").StdoutText);
    }

    [Fact]
    public void Should_link_identical_files_imported_otherwise_and_report_bytes_saved()
    {
        var a = _store.Add(Tree("a", files: 3, size: 300_000));
        var b = _store.Add(Tree("b", files: 3, size: 300_000));
        Assert.NotEqual(a, b);
        // Break the sharing as an import by other means would: an own copy of each file.
        foreach (var file in Directory.EnumerateFiles(_store.Physical(b)))
        {
            var bytes = File.ReadAllBytes(file);
            File.Delete(file);
            File.WriteAllBytes(file, bytes);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        var before = _store.DiskBytes();

        var r = _store.Cli("store", "optimise");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("3 files linked", r.StdoutText);
        Assert.InRange(before - _store.DiskBytes(), 850_000, 1_000_000);
        Assert.Equal(0, _store.Cli("store", "verify", "--check-contents").ExitCode);
    }

    [Fact]
    public void Should_refuse_bad_input_with_exit_code_2_and_register_nothing()
    {
        var tree = _store.Scratch("with-socket");
        Directory.CreateDirectory(tree);
        Assert.Equal(0, HostProgram.Run("mkfifo", [Path.Combine(tree, "p")]).ExitCode);

        var fifo = _store.Cli("store", "add", tree);
        var missing = _store.Cli("store", "add", _store.Scratch("absent"));
        var badName = _store.Cli("store", "add", Tree("ok"), "--name", "bad name!");
        var notStore = _store.Cli("store", "path-info", "/etc/passwd");

        Assert.All(new[] { fifo, missing, badName, notStore }, r => Assert.Equal(2, r.ExitCode));
        Assert.Contains("is a fifo", fifo.Stderr);
        Assert.Contains("cannot be a store path name", badName.Stderr);
        Assert.Contains("not inside the store directory", notStore.Stderr);
        Assert.Empty(_store.Entries());
    }
}
