using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Store;

/// <summary>
/// <c>build --config</c> leaves an out-link as nix-build does (<c>./result</c>, <c>--out-link P</c>,
/// none with <c>--no-out-link</c>), registered as an indirect root: <c>store gc</c> keeps what a
/// link points to and collects it once the link is gone.
/// </summary>
public sealed class OutLinkTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-outlink");

    public void Dispose() => _temp.Dispose();

    private string Root => _temp.Combine("root");

    private string Work => _temp.Combine("work");

    private string Build(string hostName, params string[] options)
    {
        Directory.CreateDirectory(Work);
        var config = _temp.Combine(hostName + ".yaml");
        File.WriteAllText(config, $"system:\n  hostName: {hostName}\n");
        var r = OurCli.RunIn(Work, ["--root", Root, "build", "--config", config, .. options]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.StdoutText.Trim();
    }

    private bool InStore(string system) => Directory.Exists(Root + system);

    private void CollectGarbage()
    {
        var gc = OurCli.Run("--root", Root, "store", "gc");
        Assert.True(gc.ExitCode == 0, gc.Stderr);
    }

    [Fact]
    public void Result_keeps_the_build_until_it_is_removed_and_no_out_link_keeps_nothing()
    {
        var kept = Build("kept");
        Directory.CreateDirectory(Path.Combine(Work, "links"));
        var named = Build("named", "--out-link", "links/named");
        var loose = Build("loose", "--no-out-link");

        Assert.Equal(Root + kept, new FileInfo(Path.Combine(Work, "result")).LinkTarget);
        Assert.Equal(Root + named, new FileInfo(Path.Combine(Work, "links/named")).LinkTarget);
        Assert.Equal(["links", "result"], Directory.EnumerateFileSystemEntries(Work).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        CollectGarbage();
        Assert.True(InStore(kept));
        Assert.True(InStore(named));
        Assert.False(InStore(loose));

        File.Delete(Path.Combine(Work, "result"));
        CollectGarbage();
        Assert.False(InStore(kept));
        Assert.True(InStore(named));
    }

    [Fact]
    public void A_second_build_moves_result_to_its_system_and_the_first_is_collected()
    {
        var first = Build("first");
        var second = Build("second");

        Assert.Equal(Root + second, new FileInfo(Path.Combine(Work, "result")).LinkTarget);
        CollectGarbage();
        Assert.False(InStore(first));
        Assert.True(InStore(second));
    }

    [Fact]
    public void An_out_link_over_a_real_file_is_refused_and_both_options_at_once_are_bad_input()
    {
        Directory.CreateDirectory(Path.Combine(Work, "result"));
        var config = _temp.Combine("a.yaml");
        File.WriteAllText(config, "system:\n  hostName: a\n");

        var overFolder = OurCli.RunIn(Work, "--root", Root, "build", "--config", config);
        var both = OurCli.RunIn(Work, "--root", Root, "build", "--config", config, "--out-link", "x", "--no-out-link");

        Assert.Equal(2, overFolder.ExitCode);
        Assert.Equal($"error: out-link {Work}/result exists and is not a symbolic link; remove it or name another with --out-link\n", overFolder.Stderr);
        Assert.False(Directory.Exists(Root + "/qitech/store"), "refused before the store was opened");
        Assert.Equal(2, both.ExitCode);
        Assert.Equal("error: build: --out-link and --no-out-link exclude each other\n", both.Stderr);
    }
}
