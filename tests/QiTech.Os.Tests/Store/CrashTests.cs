using QiTech.Os.Tests.Support;
using Xunit.Abstractions;

namespace QiTech.Os.Tests.Store;

/// <summary>
/// Kills real store processes at fixed points and at random instants, then checks that
/// every registered path is complete, nothing partial is registered, and leftovers go.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly StoreRoot _store = new();
    private readonly ITestOutputHelper _output;

    public CrashTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _store.Dispose();

    private string BigTree(string name, int seed)
    {
        var dir = _store.Scratch(name);
        Directory.CreateDirectory(dir);
        var random = new Random(seed);
        for (var i = 0; i < 40; i++)
        {
            var data = new byte[random.Next(100_000, 1_500_000)];
            random.NextBytes(data);
            Directory.CreateDirectory(Path.Combine(dir, "d" + (i % 7)));
            File.WriteAllBytes(Path.Combine(dir, "d" + (i % 7), $"f{i}"), data);
        }
        return dir;
    }

    private void AssertConsistent()
    {
        var verify = _store.Cli("store", "verify", "--check-contents");
        Assert.True(verify.ExitCode == 0, verify.StdoutText + verify.Stderr);
        // Every entry left in the store directory is a registered, valid path.
        foreach (var entry in _store.Entries())
        {
            var info = _store.Cli("store", "path-info", "/qitech/store/" + entry);
            Assert.True(info.ExitCode == 0, $"{entry} is in the store but not registered: {info.Stderr}");
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_store.StoreDir, ".tmp")));
    }

    [Fact]
    public void Should_clean_a_path_moved_in_but_not_registered_when_killed_there()
    {
        var tree = BigTree("t", 1);
        var r = OurCli.Run(["--root", _store.Root, "store", "add", tree], null,
            env: new Dictionary<string, string> { ["QITECH_FAULT"] = "store-before-register" });

        Assert.NotEqual(0, r.ExitCode);
        AssertConsistent();
        Assert.Empty(_store.Entries());
        Assert.Single(_store.Entries().Append(_store.Add(tree)));
    }

    [Fact]
    public void Should_stay_consistent_when_add_is_killed_at_random_instants()
    {
        var tree = BigTree("t", 2);
        var random = TestSeed.Random(_output);
        // Kill instants within the first half of how long one whole add takes on this machine.
        File.WriteAllText(Path.Combine(tree, "round"), "measured");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _store.Add(tree);
        var whole = (int)clock.ElapsedMilliseconds;
        var killed = 0;
        for (var round = 0; round < 8; round++)
        {
            // Each round a tree the store does not have yet: once one add finished, the same
            // tree again would be a quick no-op that no kill instant can interrupt.
            File.WriteAllText(Path.Combine(tree, "round"), round.ToString(System.Globalization.CultureInfo.InvariantCulture));
            killed += ProcessKiller.RunAndKill(["--root", _store.Root, "store", "add", tree], TimeSpan.FromMilliseconds(random.Next(whole / 10, Math.Max(whole / 10 + 1, whole / 2)))) ? 1 : 0;
            AssertConsistent();
        }
        Assert.True(killed > 0, "no run was killed before it finished; the test proved nothing");
        _store.Add(tree);
        AssertConsistent();
    }

    [Fact]
    public void Should_stay_consistent_when_gc_is_killed_midway()
    {
        for (var i = 0; i < 4; i++)
        {
            _store.Add(BigTree("g" + i, 10 + i));
        }
        var r = OurCli.Run(["--root", _store.Root, "store", "gc"], null,
            env: new Dictionary<string, string> { ["QITECH_FAULT"] = "gc-delete:3" });

        Assert.NotEqual(0, r.ExitCode);
        AssertConsistent();
        // Two were deleted, the third was forgotten by the database when the kill came:
        // recovery finishes its removal; the fourth stays.
        Assert.Single(_store.Entries());
        Assert.Equal(0, _store.Cli("store", "gc").ExitCode);
        Assert.Empty(_store.Entries());
    }

    [Fact]
    public void Should_stay_consistent_when_optimise_and_import_are_killed()
    {
        var a = _store.Add(BigTree("a", 20));
        var stream = _store.Cli("store", "export", a).Stdout;
        using var other = new StoreRoot();
        var random = TestSeed.Random(_output);
        for (var round = 0; round < 4; round++)
        {
            ProcessKiller.RunAndKill(["--root", other.Root, "store", "import"], TimeSpan.FromMilliseconds(random.Next(50, 700)), stream);
            var verify = other.Cli("store", "verify", "--check-contents");
            Assert.True(verify.ExitCode == 0, verify.StdoutText);
        }
        var opt = OurCli.Run(["--root", _store.Root, "store", "optimise"], null,
            env: new Dictionary<string, string> { ["QITECH_FAULT"] = "optimise-before-rename" });
        AssertConsistent();
        Assert.Equal(0, _store.Cli("store", "optimise").ExitCode);
        AssertConsistent();
    }

    [Fact]
    public async Task Should_give_one_path_when_two_processes_add_the_same_content_at_once()
    {
        var tree = BigTree("same", 30);
        var runs = Enumerable.Range(0, 3)
            .Select(_ => Task.Run(() => OurCli.Run("--root", _store.Root, "store", "add", tree)))
            .ToArray();
        var results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        Assert.Single(results.Select(r => r.StdoutText.Trim()).Distinct());
        Assert.Single(_store.Entries());
        AssertConsistent();
    }
}
