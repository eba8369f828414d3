using QiTech.Os.Build;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Build;

public sealed class RebuildCheckTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-check");
    private readonly LocalStore _store;

    public RebuildCheckTests() => _store = LocalStore.Open(SystemLayout.FromOptions(_temp.Combine("root"), null));

    private Derivation Shell(string name, string script) => new()
    {
        Name = name,
        Builder = "/bin/sh",
        Args = ["-c", script],
        Env = new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["QUOTE"] = "a \"b\"\n\\c" },
        InputPaths = new HashSet<StorePath> { _store.AddText("input", "x", []) },
        HostInputs = HostInputs.BaseSystem(),
    };

    [Fact]
    public void A_derivation_reads_back_from_its_text_to_the_same_paths()
    {
        var hasher = new DerivationHasher(_store.Layout.StoreDir);
        var original = hasher.Resolve(Shell("roundtrip", "echo $QUOTE > $out") with { Outputs = ["out", "doc"] });

        var parsed = DerivationParser.Parse(original.ATerm, _store.Layout.StoreDir, "test");

        Assert.Equal(original.Outputs, hasher.Resolve(parsed).Outputs);
        Assert.Equal(original.ATerm, hasher.Resolve(parsed).ATerm);
    }

    [Fact]
    public async Task The_cli_rebuilds_a_path_from_its_deriver_and_reports_the_same_hash()
    {
        var built = await new DerivationBuilder(_store).BuildAsync(Shell("stable", "mkdir $out; echo stable > $out/file"));
        _store.Dispose();

        var r = OurCli.Run("--root", _temp.Combine("root"), "derivation", "check", _store.Render(built.Out));

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal($"{_store.Render(built.Out)}: rebuilt with the same NAR hash {built.NarHash.ToSri()}\n", r.StdoutText);
    }

    [Fact]
    public async Task The_cli_check_fails_when_the_rebuild_differs()
    {
        var built = await new DerivationBuilder(_store).BuildAsync(Shell("random", "head -c 16 /dev/urandom | od -x > $out"));
        _store.Dispose();

        var r = OurCli.Run("--root", _temp.Combine("root"), "derivation", "check", _store.Render(built.Out));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("build of 'random' is not reproducible", r.Stderr);
    }

    [Fact]
    public void Checking_a_path_that_was_added_not_built_is_bad_input()
    {
        var added = _store.AddText("plain", "text", []);
        _store.Dispose();

        var r = OurCli.Run("--root", _temp.Combine("root"), "derivation", "check", _store.Render(added));

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("was not built here", r.Stderr);
    }

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }
}
