using System.Security.Cryptography;
using QiTech.Os.Base;
using QiTech.Os.Build;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Base;

/// <summary>
/// The fixed-output fetch of .debs and the offline mirror, on real .debs made by dpkg-deb and a
/// file:// "remote" mirror (no network): hashes enforced, the cache reused, the mirror's indexes exact.
/// </summary>
public sealed class DebFetcherTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-debs");
    private readonly LocalStore _store;
    private readonly HttpClient _http = new();

    public DebFetcherTests() => _store = LocalStore.Open(SystemLayout.FromOptions(_temp.Combine("root"), null));

    private string Remote => _temp.Combine("remote");

    private DebCache Cache => new(_temp.Combine("cache"));

    private DebFetcher Fetcher() => new(_store, _http, Cache, [new AptSource(new Uri(Remote).AbsoluteUri, "bookworm", ["main"])]);

    /// <summary>A real .deb (dpkg-deb --build) put in the remote mirror's pool; its pin.</summary>
    private DebianPackagePin Deb(string name, string version, string priority, string? depends = null)
    {
        var dir = _temp.Combine("src-" + name);
        Directory.CreateDirectory(Path.Combine(dir, "DEBIAN"));
        Directory.CreateDirectory(Path.Combine(dir, "usr/share/doc", name));
        File.WriteAllText(Path.Combine(dir, "usr/share/doc", name, "README"), $"{name} {version}\n");
        File.WriteAllText(Path.Combine(dir, "DEBIAN/control"),
            $"Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: Test <t@example.com>\nPriority: optional\n" +
            (depends == null ? "" : $"Depends: {depends}\n") +
            $"Description: test package {name}\n a test package\n");
        var pool = $"pool/main/{name[0]}/{name}/{name}_{version}_all.deb";
        var file = Path.Combine(Remote, pool);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var r = HostProgram.Run("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", dir, file]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var bytes = File.ReadAllBytes(file);
        return new DebianPackagePin(name, version, "all", priority, bytes.Length, Sha256Digest.Of(bytes), pool);
    }

    [Fact]
    public async Task Each_deb_is_a_fixed_output_store_path_named_by_its_hash_and_the_cache_saves_a_second_download()
    {
        var pins = new[] { Deb("alpha", "1.0", "required"), Deb("beta", "2.0~rc1", "important", "alpha") };
        var paths = await Fetcher().FetchAsync(pins);

        for (var i = 0; i < pins.Length; i++)
        {
            // As nix-store --add-fixed sha256 names a flat file.
            Assert.Equal(_store.Computer.MakeFixedOutputPath(false, pins[i].Sha256, pins[i].StoreName), paths[i]);
            Assert.Equal(File.ReadAllBytes(Path.Combine(Remote, pins[i].Filename)), File.ReadAllBytes(_store.PhysicalPath(paths[i])));
            Assert.True(File.Exists(Cache.PathOf(pins[i].Sha256)));
        }
        Assert.Equal("beta_2.0_rc1_all.deb", paths[1].Name);

        // Another store, the same cache, the remote gone: nothing is downloaded.
        TreeRemover.Remove(Remote);
        using var second = LocalStore.Open(SystemLayout.FromOptions(_temp.Combine("root2"), null));
        var fetcher = new DebFetcher(second, _http, Cache, [new AptSource(new Uri(Remote).AbsoluteUri, "bookworm", ["main"])]);
        Assert.Equal(paths, await fetcher.FetchAsync(pins));
        Assert.Equal(0, fetcher.Downloaded);
    }

    [Fact]
    public async Task A_tampered_deb_is_refused_with_its_name_and_nothing_enters_the_store_or_the_cache()
    {
        var pin = Deb("alpha", "1.0", "required");
        var file = Path.Combine(Remote, pin.Filename);
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 1;
        File.WriteAllBytes(file, bytes);

        var e = await Assert.ThrowsAsync<BuildException>(() => Fetcher().FetchAsync([pin]));
        Assert.Equal($"hash mismatch in Debian package alpha 1.0 all from {new Uri(file).AbsoluteUri}: expected sha256:{pin.Sha256.ToBase16()} got sha256:{Convert.ToHexStringLower(SHA256.HashData(bytes))}", e.Message);
        Assert.Empty(_store.AllValidPaths());
        Assert.False(File.Exists(Cache.PathOf(pin.Sha256)));
        Assert.Empty(Directory.EnumerateFiles(Cache.Directory));
    }

    [Fact]
    public async Task A_damaged_cache_entry_is_dropped_and_fetched_again()
    {
        var pin = Deb("alpha", "1.0", "required");
        Directory.CreateDirectory(Cache.Directory);
        File.WriteAllText(Cache.PathOf(pin.Sha256), "not the package");

        var fetcher = Fetcher();
        var path = (await fetcher.FetchAsync([pin]))[0];
        Assert.Equal(1, fetcher.Downloaded);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Remote, pin.Filename)), File.ReadAllBytes(Cache.PathOf(pin.Sha256)));
        Assert.True(_store.IsValid(path));
    }

    [Fact]
    public async Task A_deb_no_source_serves_names_the_package_and_the_way_out()
    {
        var pin = Deb("alpha", "1.0", "required") with { Filename = "pool/main/a/alpha/alpha_0.9_all.deb" };
        var e = await Assert.ThrowsAsync<BuildException>(() => Fetcher().FetchAsync([pin]));
        Assert.StartsWith("no apt source serves Debian package alpha 1.0 all (pool/main/a/alpha/alpha_0.9_all.deb; tried file://", e.Message);
        Assert.EndsWith("refresh the lock with `qitech-os base lock` or add a snapshot mirror to the apt sources", e.Message);
    }

    [Fact]
    public async Task The_offline_mirror_indexes_exactly_the_locked_debs_with_the_archive_priority()
    {
        var pins = new[] { Deb("alpha", "1.0", "required"), Deb("beta", "2.0", "important", "alpha") };
        var baseLock = new BaseLock(new BaseRequest("bookworm", "amd64", "minbase", ["beta"]), pins);
        var mirror = await PinnedBase.MirrorAsync(_store, baseLock, Fetcher());

        Assert.Equal("debian-mirror-bookworm-amd64", mirror.Name);
        var root = _store.PhysicalPath(mirror);
        var packages = File.ReadAllText(Path.Combine(root, "dists/bookworm/main/binary-amd64/Packages"));
        Assert.Equal(
            "Package: alpha\nVersion: 1.0\nArchitecture: all\nMaintainer: Test <t@example.com>\nPriority: required\n" +
            "Description: test package alpha\n a test package\n" +
            $"Filename: {pins[0].Filename}\nSize: {pins[0].Size}\nSHA256: {pins[0].Sha256.ToBase16()}\n\n" +
            "Package: beta\nVersion: 2.0\nArchitecture: all\nMaintainer: Test <t@example.com>\nPriority: important\nDepends: alpha\n" +
            "Description: test package beta\n a test package\n" +
            $"Filename: {pins[1].Filename}\nSize: {pins[1].Size}\nSHA256: {pins[1].Sha256.ToBase16()}\n\n",
            packages);
        var release = File.ReadAllText(Path.Combine(root, "dists/bookworm/Release"));
        Assert.Contains("\nSuite: bookworm\nCodename: bookworm\nArchitectures: amd64\nComponents: main\n", release);
        Assert.EndsWith($"SHA256:\n {Sha256Digest.Of(System.Text.Encoding.UTF8.GetBytes(packages)).ToBase16()} {packages.Length} main/binary-amd64/Packages\n", release);

        // The pool links to each .deb's own store path, which the mirror's closure holds.
        var debs = pins.Select(p => _store.Computer.MakeFixedOutputPath(false, p.Sha256, p.StoreName)).ToList();
        Assert.Equal(_store.Render(debs[0]), new FileInfo(Path.Combine(root, pins[0].Filename)).LinkTarget);
        Assert.Equal(debs.Append(mirror).ToHashSet(), _store.Closure([mirror]).ToHashSet());

        // The same lock, the same mirror path.
        Assert.Equal(mirror, await PinnedBase.MirrorAsync(_store, baseLock, Fetcher()));
    }

    public void Dispose()
    {
        _http.Dispose();
        _store.Dispose();
        _temp.Dispose();
    }
}
