using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Store;

/// <summary>
/// The store on a small tmpfs of its own, sources on the host's disk: a full disk ends a
/// command with one line (errno text and place) and exit 1, leaving the store as it was; large
/// files reach a store on another file system than their source.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private const long MiB = 1 << 20;
    private readonly TempDir _sources = new("qitech-sources");

    public void Dispose() => _sources.Dispose();

    private string Tree(string name, int files, int size, int seed)
    {
        var dir = _sources.Combine(name);
        var random = new Random(seed);
        for (var i = 0; i < files; i++)
        {
            var sub = Path.Combine(dir, "d" + (i % 5));
            Directory.CreateDirectory(sub);
            var data = new byte[size];
            random.NextBytes(data);
            File.WriteAllBytes(Path.Combine(sub, $"f{i}"), data);
        }
        return dir;
    }

    private static QiTech.Os.Platform.ProcessResult Cli(string root, params string[] args) => OurCli.Run(["--root", root, .. args], null);

    private static List<string> LinkNames(string root) =>
        Directory.EnumerateFiles(Path.Combine(root, "qitech/store/.links")).Select(Path.GetFileName).Order().ToList()!;

    private static List<string> StoreEntries(string root) =>
        Directory.EnumerateFileSystemEntries(Path.Combine(root, "qitech/store")).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order().ToList()!;

    [SmallFileSystemFact]
    public void Should_end_an_add_of_small_files_on_a_full_disk_in_one_line_and_leave_the_store_as_it_was() =>
        AssertFullDiskAdd(Tree("small", 1200, 80_000, 1));

    [SmallFileSystemFact]
    public void Should_end_an_add_of_large_files_on_a_full_disk_in_one_line_and_leave_the_store_as_it_was() =>
        AssertFullDiskAdd(Tree("large", 24, 4_000_000, 2));

    private void AssertFullDiskAdd(string tree)
    {
        using var disk = new SmallFileSystem(64);
        var root = Path.Combine(disk.Path, "root");
        var earlier = Cli(root, "store", "add", Tree("earlier", 5, 1000, 3));
        Assert.True(earlier.ExitCode == 0, earlier.Stderr);
        var links = LinkNames(root);
        var entries = StoreEntries(root);

        var add = Cli(root, "store", "add", tree);

        Assert.Equal(1, add.ExitCode);
        var line = Assert.Single(add.Stderr.Trim().Split('\n'));
        Assert.StartsWith($"error: {tree}/d", line);
        Assert.EndsWith($": cannot write into {root}/qitech/store: No space left on device", line);
        Assert.Empty(add.StdoutText);
        AssertAsItWas(root, entries, links);
        Assert.True(disk.FreeBytes > 60 * MiB, $"only {disk.FreeBytes} bytes free: what the failed add wrote was not all removed");
    }

    private static void AssertAsItWas(string root, List<string> entries, List<string> links)
    {
        Assert.Equal(entries, StoreEntries(root));
        Assert.Equal(links, LinkNames(root));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root, "qitech/store/.tmp")));
        var verify = Cli(root, "store", "verify", "--check-contents");
        Assert.True(verify.ExitCode == 0, verify.StdoutText + verify.Stderr);
    }

    [SmallFileSystemFact]
    public void Should_end_an_import_on_a_full_disk_in_one_line_and_register_none_of_the_stream()
    {
        using var source = new StoreRoot();
        var small = source.Add(Tree("first", 3, 1000, 4));
        var large = source.Add(Tree("second", 20, 4_000_000, 5));
        var stream = source.Cli("store", "export", small, large);
        Assert.True(stream.ExitCode == 0, stream.Stderr);
        using var disk = new SmallFileSystem(64);
        var root = Path.Combine(disk.Path, "root");
        Assert.Equal(0, Cli(root, "store", "verify").ExitCode);

        var import = OurCli.Run(["--root", root, "store", "import"], stream.Stdout);

        Assert.Equal(1, import.ExitCode);
        var line = Assert.Single(import.Stderr.Trim().Split('\n'));
        Assert.StartsWith("error: path 2 of the stream/d", line);
        Assert.EndsWith($": cannot write into {root}/qitech/store: No space left on device", line);
        Assert.NotEqual(0, Cli(root, "store", "path-info", small).ExitCode);
        AssertAsItWas(root, [], []);
    }

    [SmallFileSystemFact]
    public void Should_copy_large_files_into_a_store_on_another_file_system()
    {
        var tree = Tree("big", 4, 3_000_000, 6);
        File.SetUnixFileMode(Path.Combine(tree, "d0", "f0"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var disk = new SmallFileSystem(64);
        var root = Path.Combine(disk.Path, "root");
        using var sameDisk = new StoreRoot();

        var add = Cli(root, "store", "add", tree);

        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.Equal(sameDisk.Add(tree), add.StdoutText.Trim());
        var stored = root + add.StdoutText.Trim();
        Assert.Equal(File.ReadAllBytes(Path.Combine(tree, "d3", "f3")), File.ReadAllBytes(Path.Combine(stored, "d3", "f3")));
        var verify = Cli(root, "store", "verify", "--check-contents");
        Assert.True(verify.ExitCode == 0, verify.StdoutText + verify.Stderr);
    }
}
