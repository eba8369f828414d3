using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Store;

/// <summary>Export and import, checked against the real nix-store --import/--export.</summary>
public sealed class TransferTests : IDisposable
{
    private readonly StoreRoot _a = new();
    private readonly StoreRoot _b = new();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private (string Lib, string App) Closure(StoreRoot store, string storeDir = "/qitech/store")
    {
        var lib = RandomTree.Create(store.Scratch("lib"), 7, rawNames: false);
        var libPath = Cli(store, storeDir, "store", "add", lib).StdoutText.Trim();
        var app = store.Scratch("app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "run"), $"exec {libPath}/x\n");
        var appPath = Cli(store, storeDir, "store", "add", app).StdoutText.Trim();
        return (libPath, appPath);
    }

    private static QiTech.Os.Platform.ProcessResult Cli(StoreRoot store, string storeDir, params string[] args) =>
        OurCli.Run(["--root", store.Root, "--store-dir", storeDir, .. args], null);

    [Fact]
    public void Should_move_a_closure_between_stores_and_verify()
    {
        var (lib, app) = Closure(_a);
        var stream = _a.Cli("store", "export", app);

        var import = _b.CliWithInput(stream.Stdout, "store", "import");

        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Equal([lib, app], import.StdoutText.Trim().Split('\n'));
        Assert.Equal(0, _b.Cli("store", "verify", "--check-contents").ExitCode);
        Assert.Contains(lib, _b.Cli("store", "path-info", "--json", app).StdoutText);
    }

    [Fact]
    public void Should_write_streams_the_real_nix_store_imports()
    {
        var (lib, app) = Closure(_a, "/nix/store");
        var stream = Cli(_a, "/nix/store", "store", "export", app);

        var nix = HostProgram.Run("nix-store", ["--import"], stream.Stdout);

        Assert.True(nix.ExitCode == 0, nix.Stderr);
        Assert.Contains(app, nix.StdoutText);
        Assert.Contains(lib, NixOracle.Store("--query", "--references", app).StdoutText);
        Assert.Equal(0, NixOracle.Store("--verify-path", app).ExitCode);
    }

    [Fact]
    public void Should_import_what_the_real_nix_store_exports()
    {
        var src = RandomTree.Create(_a.Scratch("t"), 11, rawNames: false);
        var path = NixOracle.Store("--add", src).StdoutText.Trim();
        var stream = NixOracle.Store("--export", path).Stdout;

        var import = OurCli.Run(["--root", _b.Root, "--store-dir", "/nix/store", "store", "import"], stream);

        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Equal(path, import.StdoutText.Trim());
        Assert.Equal(NixOracle.Dump(path), NixOracle.Dump(_b.Physical(path)));
    }

    [Fact]
    public void Should_refuse_a_damaged_stream_and_register_nothing()
    {
        var (_, app) = Closure(_a);
        var stream = _a.Cli("store", "export", app).Stdout;
        // Flip one byte of file contents in the middle of the first NAR.
        var damaged = (byte[])stream.Clone();
        var at = Array.FindIndex(damaged, 200, b => b != 0);
        damaged[at + 40] ^= 0x55;

        var import = _b.CliWithInput(damaged, "store", "import");
        var truncated = _b.CliWithInput(stream[..(stream.Length / 2)], "store", "import");

        Assert.Equal(2, import.ExitCode);
        Assert.Equal(2, truncated.ExitCode);
        Assert.Single(import.Stderr.Trim().Split('\n'));
        Assert.Empty(_b.Cli("store", "path-info", "--json", "-r", app).StdoutText);
    }
}
