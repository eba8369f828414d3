using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Store;

/// <summary>
/// Forged and damaged export streams: a path is taken only when its contents are vouched for
/// (its content address, else the NAR hash our exports carry), its references are declared and
/// present, and a stream registers whole or not at all. Real nix-store --export output is the
/// oracle for what must still import.
/// </summary>
public sealed class ImportVerificationTests : IDisposable
{
    private readonly StoreRoot _store = new();

    public void Dispose() => _store.Dispose();

    private QiTech.Os.Platform.ProcessResult Import(byte[] stream) => _store.CliWithInput(stream, "store", "import");

    private bool IsRegistered(string path) => _store.Cli("store", "path-info", path).ExitCode == 0;

    private static void AssertRefused(QiTech.Os.Platform.ProcessResult import, string expectedLine)
    {
        Assert.Equal(2, import.ExitCode);
        Assert.Equal("error: " + expectedLine, Assert.Single(import.Stderr.Trim().Split('\n')));
        Assert.Empty(import.StdoutText);
    }

    [Fact]
    public void Should_refuse_other_contents_under_a_content_address_when_the_stream_has_no_hash()
    {
        var genuine = ExportStreamBytes.FileNar("the real tool\n");
        var name = ExportStreamBytes.SourcePath(genuine, "tool");
        var forged = ExportStreamBytes.FileNar("something else\n");

        var import = Import(new ExportStreamBytes().Path(forged, name).End());

        AssertRefused(import, $"{name}: the stream carries no NAR hash for it and its name is not the content address of its contents, so they cannot be verified (streams of 'qitech-os store export' carry the hash; 'nix-store --export' gives none)");
        Assert.False(IsRegistered(name));
        Assert.Empty(_store.Entries());
    }

    [Fact]
    public void Should_take_a_content_addressed_path_without_a_hash_when_its_name_matches()
    {
        var nar = ExportStreamBytes.FileNar("the real tool\n");
        var name = ExportStreamBytes.SourcePath(nar, "tool");

        var import = Import(new ExportStreamBytes().Path(nar, name).End());

        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Equal(name, import.StdoutText.Trim());
        Assert.Contains("fixed:r:sha256:", _store.Cli("store", "path-info", "--json", name).StdoutText);
    }

    [Fact]
    public void Should_refuse_contents_that_refer_to_a_path_they_do_not_declare()
    {
        var libNar = ExportStreamBytes.FileNar("library\n");
        var lib = ExportStreamBytes.SourcePath(libNar, "lib");
        var appNar = ExportStreamBytes.FileNar($"exec {lib}/bin/x\n");
        // Named as if it had no references, so the name matches and only the reference is wrong.
        var app = ExportStreamBytes.SourcePath(appNar, "app");

        var import = Import(new ExportStreamBytes().Path(libNar, lib).Path(appNar, app).End());

        AssertRefused(import, $"{app}: its contents refer to {lib}, which it does not declare as a reference");
        Assert.False(IsRegistered(lib));
        Assert.False(IsRegistered(app));
    }

    [Fact]
    public void Should_refuse_a_reference_that_is_neither_in_the_store_nor_earlier_in_the_stream()
    {
        var missing = ExportStreamBytes.SourcePath(ExportStreamBytes.FileNar("never sent\n"), "missing");
        var appNar = ExportStreamBytes.FileNar("app\n");
        var app = ExportStreamBytes.SourcePath(appNar, "app", [missing]);

        var import = Import(new ExportStreamBytes().Path(appNar, app, [missing]).End());

        AssertRefused(import, $"{app}: its reference {missing} is neither in the store nor earlier in the stream");
    }

    [Fact]
    public void Should_register_none_of_the_stream_when_its_last_path_is_damaged()
    {
        var libNar = ExportStreamBytes.FileNar("library\n");
        var lib = ExportStreamBytes.SourcePath(libNar, "lib");
        var appNar = ExportStreamBytes.FileNar($"exec {lib}/bin/x\n");
        var app = ExportStreamBytes.SourcePath(appNar, "app", [lib]);
        var damaged = ExportStreamBytes.FileNar($"exec {lib}/bin/y\n");

        var import = Import(new ExportStreamBytes()
            .Path(libNar, lib, trailer: ExportStreamBytes.HashTrailer(libNar))
            .Path(damaged, app, [lib], trailer: ExportStreamBytes.HashTrailer(appNar))
            .End());

        AssertRefused(import, $"{app}: expected NAR hash {ExportStreamBytes.HashTrailer(appNar)[23..]}, got {ExportStreamBytes.HashTrailer(damaged)[23..]}: the stream is damaged");
        Assert.False(IsRegistered(lib));
        Assert.Empty(_store.Entries());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_store.StoreDir, ".tmp")));
        Assert.Equal(0, _store.LinkCount());
        Assert.Equal(0, _store.Cli("store", "verify", "--check-contents").ExitCode);
    }

    [Fact]
    public void Should_take_an_input_addressed_path_that_carries_its_hash()
    {
        // A build output: its name comes from its derivation, its contents from the build.
        var nar = ExportStreamBytes.FileNar("built\n");
        var output = "/qitech/store/0c6kzph7l0dcbfmjap64f0czdafn3b7x-hello-1.0";

        var import = Import(new ExportStreamBytes().Path(nar, output, trailer: ExportStreamBytes.HashTrailer(nar)).End());

        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.True(IsRegistered(output));
    }

    [Fact]
    public void Should_refuse_an_input_addressed_path_from_nix_store_export_for_want_of_a_hash()
    {
        // Nix registers it from our stream (it does not check input-addressed names), then
        // exports it without any hash: nothing in that stream can vouch for the contents.
        var nar = ExportStreamBytes.FileNar("built by someone " + Guid.NewGuid() + "\n");
        var output = $"/nix/store/{RandomHashPart()}-hello-1.0";
        var ours = new ExportStreamBytes().Path(nar, output, trailer: ExportStreamBytes.HashTrailer(nar)).End();
        var nixImport = HostProgram.Run("nix-store", ["--import"], ours);
        Assert.True(nixImport.ExitCode == 0, nixImport.Stderr);
        var nixExport = NixOracle.Store("--export", output);
        Assert.True(nixExport.ExitCode == 0, nixExport.Stderr);

        var import = OurCli.Run(["--root", _store.Root, "--store-dir", "/nix/store", "store", "import"], nixExport.Stdout);

        AssertRefused(import, $"{output}: the stream carries no NAR hash for it and its name is not the content address of its contents, so they cannot be verified (streams of 'qitech-os store export' carry the hash; 'nix-store --export' gives none)");
    }

    [Fact]
    public void Should_import_text_and_flat_fixed_output_paths_that_nix_store_exports()
    {
        var file = _store.Scratch("fixed.txt");
        File.WriteAllText(file, "fetched " + Guid.NewGuid() + "\n");
        var flat = NixOracle.Store("--add-fixed", "sha256", file).StdoutText.Trim();
        var drv = HostProgram.Run("nix-instantiate", ["--expr",
            $"derivation {{ name = \"t{Guid.NewGuid():N}\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ (builtins.storePath \"{flat}\") ]; }}"]);
        Assert.True(drv.ExitCode == 0, drv.Stderr);
        var drvPath = drv.StdoutText.Trim();
        var stream = NixOracle.Store("--export", flat, drvPath);
        Assert.True(stream.ExitCode == 0, stream.Stderr);

        var import = OurCli.Run(["--root", _store.Root, "--store-dir", "/nix/store", "store", "import"], stream.Stdout);

        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Equal([flat, drvPath], import.StdoutText.Trim().Split('\n'));
        var info = OurCli.Run("--root", _store.Root, "--store-dir", "/nix/store", "store", "path-info", "--json", flat, drvPath).StdoutText;
        Assert.Contains("\"fixed:sha256:", info);
        Assert.Contains("\"text:sha256:", info);
        Assert.Equal(NixOracle.Dump(drvPath), NixOracle.Dump(_store.Physical(drvPath)));
    }

    private static string RandomHashPart()
    {
        const string alphabet = "0123456789abcdfghijklmnpqrsvwxyz";
        return new string(Enumerable.Range(0, 32).Select(_ => alphabet[Random.Shared.Next(alphabet.Length)]).ToArray());
    }
}
