using QiTech.Os.Cache;
using QiTech.Os.Errors;
using QiTech.Os.Nix;
using QiTech.Os.Sources;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Cache;

/// <summary>
/// A bundle since a version holds only the files a machine at that version lacks: a new path
/// that differs in one file costs about that file (as a new Debian base that adds one package
/// costs that package), installs where the version is, and is refused where it is not.
/// </summary>
public sealed class BundleSinceTests : IDisposable
{
    private const int ChangedFileBytes = 300 << 10;
    private readonly TempDir _temp = new("qitech-bundle-since");

    public void Dispose() => _temp.Dispose();

    private static SystemLayout Layout(string root) => new(root, new StoreDirectory(StoreDirectory.Default));

    /// <summary>Two trees of 40 random files (2.6 MB), the second with one of them rewritten.</summary>
    private (string V1, string V2) TwoVersions(string root)
    {
        var random = new Random(17);
        var v1 = _temp.Combine("v1", "base");
        Directory.CreateDirectory(v1);
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[(64 << 10) + i * 100];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(v1, $"lib{i}.so"), bytes);
        }
        var v2 = _temp.Combine("v2", "base");
        Directory.CreateDirectory(Path.GetDirectoryName(v2)!);
        Assert.Equal(0, HostProgram.Run("cp", ["-a", v1, Path.GetDirectoryName(v2)!]).ExitCode);
        var changed = new byte[ChangedFileBytes];
        random.NextBytes(changed);
        File.WriteAllBytes(Path.Combine(v2, "added-package"), changed);
        string Add(string tree)
        {
            var r = OurCli.Run("--root", root, "store", "add", tree);
            Assert.True(r.ExitCode == 0, r.Stderr);
            return r.StdoutText.Trim();
        }
        return (Add(v1), Add(v2));
    }

    [Fact]
    public async Task A_bundle_since_a_version_costs_the_changed_file_installs_where_that_version_is_and_is_refused_elsewhere()
    {
        var ci = _temp.Combine("ci");
        var (v1, v2) = TwoVersions(ci);
        var key = NixSecretKey.Generate("usb-since-1");
        var version = new VersionInfo("2026-12-01T00:00:00Z", "0123456789abcdef0123456789abcdef01234567", "0123456", "https://example.invalid/machine.git");
        var (whole, since) = (_temp.Combine("whole.qitech-bundle"), _temp.Combine("since.qitech-bundle"));
        using (var store = LocalStore.Open(Layout(ci)))
        {
            await Bundle.CreateAsync(store, store.ParsePath(v1), version, null, key, whole, null, CancellationToken.None);
            var manifest = await Bundle.CreateAsync(store, store.ParsePath(v2), version, store.ParsePath(v1), key, since, "adds one file", CancellationToken.None);
            Assert.Equal(BundleManifest.SinceFormat, manifest.Format);
            Assert.Equal(v1, manifest.Since);
        }
        // The changed file (random: zstd cannot shrink it), the index and the tar's headers; not the other 2.6 MB.
        Assert.InRange(new FileInfo(since).Length, ChangedFileBytes, ChangedFileBytes + (48 << 10));
        Assert.True(new FileInfo(whole).Length > 2_500_000, $"the whole bundle has {new FileInfo(whole).Length} bytes");

        // A machine at v1 installs it: the other files come from its own store.
        var machine = _temp.Combine("machine");
        using (var store = LocalStore.Open(Layout(machine)))
        {
            await Bundle.ImportAsync(store, whole, [key.PublicKey], null, CancellationToken.None);
            var imported = await Bundle.ImportAsync(store, since, [key.PublicKey], null, CancellationToken.None);
            Assert.Equal(v2, imported.System);
            Assert.True(store.IsValid(store.ParsePath(v2)));
        }
        Assert.Equal(0, OurCli.Run("--root", machine, "store", "verify", "--check-contents").ExitCode);
        Assert.Equal(File.ReadAllBytes(ci + v2 + "/added-package"), File.ReadAllBytes(machine + v2 + "/added-package"));

        // A machine without v1: refused before anything is read, and the CLI says why.
        var other = _temp.Combine("other");
        using (var store = LocalStore.Open(Layout(other)))
        {
            var refused = await Assert.ThrowsAsync<BadInputException>(() => Bundle.ImportAsync(store, since, [key.PublicKey], null, CancellationToken.None));
            Assert.Equal($"{since}: holds only what {v1} lacks, and this machine does not have {v1}", refused.Message);
            Assert.False(store.IsValid(store.ParsePath(v2)));
        }
        var show = OurCli.Run("bundle", "show", since, "--trusted-public-key", key.PublicKey.Render());
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains($"since: {v1}", show.StdoutText, StringComparison.Ordinal);
    }
}
