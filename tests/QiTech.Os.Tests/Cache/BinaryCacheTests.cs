using System.Diagnostics;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Cache;

/// <summary>
/// Binary caches in Nix's format, checked against the real Nix 2.8: what we push, <c>nix
/// copy --from</c> accepts with our key and refuses without it; what <c>nix copy --to</c>
/// writes (xz), we fetch and verify. Tampered caches are refused with the path named and
/// leave nothing registered. nginx serves the cache over HTTP (PUT to push).
/// </summary>
public sealed class BinaryCacheTests : IDisposable
{
    private const string NixStoreDir = "/nix/store";
    private readonly StoreRoot _source = new();
    private readonly StoreRoot _target = new();
    private readonly TempDir _dir = new("qitech-cache");

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
        _dir.Dispose();
    }

    private static QiTech.Os.Platform.ProcessResult Cli(StoreRoot store, params string[] args) =>
        OurCli.Run(["--root", store.Root, "--store-dir", NixStoreDir, .. args], null);

    private static QiTech.Os.Platform.ProcessResult Nix(params string[] args) =>
        HostProgram.Run("nix", ["--extra-experimental-features", "nix-command", .. args]);

    private string CacheDir => _dir.Combine("cache");

    private static List<string> Entries(StoreRoot store) =>
        Directory.Exists(store.Root + NixStoreDir)
            ? Directory.EnumerateFileSystemEntries(store.Root + NixStoreDir).Select(e => Path.GetFileName(e)).Where(n => !n.StartsWith('.')).Order().ToList()
            : [];

    private string CacheUrl => "file://" + CacheDir;

    /// <summary>A library and an app that refers to it, in the source store.</summary>
    private (string Lib, string App) Closure(int seed = 7)
    {
        var lib = RandomTree.Create(_source.Scratch($"lib{seed}"), seed, rawNames: false);
        var libPath = Ok(Cli(_source, "store", "add", lib)).Trim();
        var app = _source.Scratch($"app{seed}");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "run"), $"exec {libPath}/x\n");
        var appPath = Ok(Cli(_source, "store", "add", app)).Trim();
        return (libPath, appPath);
    }

    private (string Secret, string Public) OurKey(string name)
    {
        var secret = _dir.Combine(name + ".sec");
        var pub = _dir.Combine(name + ".pub");
        Ok(OurCli.Run("cache", "key", "generate", name, secret, pub));
        return (secret, File.ReadAllText(pub).Trim());
    }

    private static string Ok(QiTech.Os.Platform.ProcessResult r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");
        return r.StdoutText;
    }

    // Nix trusts a content-addressed path without any signature; without the CA line it must check ours.
    private void StripContentAddresses()
    {
        foreach (var file in Directory.EnumerateFiles(CacheDir, "*.narinfo"))
        {
            File.WriteAllLines(file, File.ReadAllLines(file).Where(l => !l.StartsWith("CA:", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void The_real_nix_accepts_what_we_push_with_our_key_and_refuses_it_without()
    {
        var (lib, app) = Closure();
        var (secret, pub) = OurKey("test-cache-1");
        var (_, otherPub) = OurKey("test-cache-1-other");

        var push = Cli(_source, "cache", "push", "--to", CacheUrl, "--secret-key-file", secret, app);
        Ok(push);
        StripContentAddresses();

        Assert.Contains("pushed 2 of 2 paths", push.Stderr);
        Assert.True(File.Exists(Path.Combine(CacheDir, "nix-cache-info")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(CacheDir, "nar"), "*.nar.zst"));
        var trusted = _dir.Combine("nix-trusted");
        var accepted = Nix("copy", "--from", CacheUrl, "--to", $"local?root={trusted}", "--option", "trusted-public-keys", pub, app);
        Assert.True(accepted.ExitCode == 0, accepted.Stderr);
        var verify = HostProgram.Run("nix-store", ["--store", $"local?root={trusted}", "--verify-path", app]);
        Assert.True(verify.ExitCode == 0, verify.Stderr);
        Assert.Contains(lib, HostProgram.Run("nix-store", ["--store", $"local?root={trusted}", "--query", "--references", app]).StdoutText);

        var untrusted = _dir.Combine("nix-untrusted");
        var refused = Nix("copy", "--from", CacheUrl, "--to", $"local?root={untrusted}", "--option", "trusted-public-keys", otherPub.Replace("-other", "", StringComparison.Ordinal), app);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("lacks a valid signature", refused.Stderr);
    }

    [Fact]
    public void We_fetch_and_verify_what_the_real_nix_copy_wrote_with_a_key_nix_made()
    {
        var (lib, app) = Closure();
        var (ourSecret, ourPub) = OurKey("ours-1");
        Ok(Cli(_source, "cache", "push", "--to", CacheUrl, "--secret-key-file", ourSecret, app));
        var nixStore = _dir.Combine("nix-store");
        Assert.Equal(0, Nix("copy", "--from", CacheUrl, "--to", $"local?root={nixStore}", "--option", "trusted-public-keys", ourPub, app).ExitCode);
        var nixSecret = _dir.Combine("nix.sec");
        var nixPublic = _dir.Combine("nix.pub");
        Assert.Equal(0, HostProgram.Run("nix-store", ["--generate-binary-cache-key", "nix-made-1", nixSecret, nixPublic]).ExitCode);
        var nixCache = _dir.Combine("nix-cache");
        var copy = Nix("copy", "--from", $"local?root={nixStore}", "--to", $"file://{nixCache}?secret-key={nixSecret}&compression=xz", app);
        Assert.True(copy.ExitCode == 0, copy.Stderr);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(nixCache, "nar"), "*.nar.xz"));

        var fetch = Cli(_target, "cache", "fetch", "--from", "file://" + nixCache, "--trusted-public-key", File.ReadAllText(nixPublic).Trim(), app);

        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        Assert.Contains("fetched 2 paths", fetch.Stderr);
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
        var info = Ok(Cli(_target, "store", "path-info", "--json", app));
        Assert.Contains(lib, info);
        Assert.Contains("nix-made-1:", info);
        // Our push, signed with the key Nix made, is accepted by Nix too: the key files are the same format.
        var cache2 = _dir.Combine("cache2");
        Ok(Cli(_source, "cache", "push", "--to", "file://" + cache2, "--secret-key-file", nixSecret, app));
        foreach (var file in Directory.EnumerateFiles(cache2, "*.narinfo"))
        {
            File.WriteAllLines(file, File.ReadAllLines(file).Where(l => !l.StartsWith("CA:", StringComparison.Ordinal)));
        }
        var again = Nix("copy", "--from", "file://" + cache2, "--to", $"local?root={_dir.Combine("nix-store2")}", "--option", "trusted-public-keys", File.ReadAllText(nixPublic).Trim(), app);
        Assert.True(again.ExitCode == 0, again.Stderr);
    }

    public enum Tampering
    {
        NarBytes,
        NarHashInNarInfo,
        Signature,
        UntrustedKey,
        Unsigned,
        NarInfoOfAnotherPath,
    }

    [Theory]
    [InlineData(Tampering.NarBytes, "damaged")]
    [InlineData(Tampering.NarHashInNarInfo, "does not match its contents")]
    [InlineData(Tampering.Signature, "does not match its contents")]
    [InlineData(Tampering.UntrustedKey, "untrusted keys")]
    [InlineData(Tampering.Unsigned, "is not signed")]
    [InlineData(Tampering.NarInfoOfAnotherPath, "describes")]
    public void A_tampered_cache_is_refused_with_the_path_named_and_nothing_registered(Tampering tampering, string reason)
    {
        var (lib, app) = Closure();
        var (secret, pub) = OurKey("cache-1");
        Ok(Cli(_source, "cache", "push", "--to", CacheUrl, "--secret-key-file", secret, app));
        var libInfo = Path.Combine(CacheDir, Path.GetFileName(lib)[..32] + ".narinfo");
        var appInfo = Path.Combine(CacheDir, Path.GetFileName(app)[..32] + ".narinfo");
        var trustedKey = pub;
        switch (tampering)
        {
            case Tampering.NarBytes:
                var nar = Path.Combine(CacheDir, File.ReadAllLines(libInfo).Single(l => l.StartsWith("URL: ", StringComparison.Ordinal))[5..]);
                var bytes = File.ReadAllBytes(nar);
                bytes[bytes.Length / 2] ^= 0x55;
                File.WriteAllBytes(nar, bytes);
                // Without the file layer the fetch reads the NAR (FileLayerTests tamper with the layer).
                Directory.Delete(Path.Combine(CacheDir, "qitech"), recursive: true);
                break;
            case Tampering.NarHashInNarInfo:
                var other = File.ReadAllLines(appInfo).Single(l => l.StartsWith("NarHash: ", StringComparison.Ordinal));
                File.WriteAllLines(libInfo, File.ReadAllLines(libInfo).Select(l => l.StartsWith("NarHash: ", StringComparison.Ordinal) ? other : l));
                break;
            case Tampering.Signature:
                File.WriteAllLines(libInfo, File.ReadAllLines(libInfo).Select(l => l.StartsWith("Sig: ", StringComparison.Ordinal)
                    ? "Sig: cache-1:" + Convert.ToBase64String(new byte[64]) : l));
                break;
            case Tampering.UntrustedKey:
                trustedKey = OurKey("cache-2").Public;
                break;
            case Tampering.Unsigned:
                File.WriteAllLines(libInfo, File.ReadAllLines(libInfo).Where(l => !l.StartsWith("Sig: ", StringComparison.Ordinal)));
                break;
            case Tampering.NarInfoOfAnotherPath:
                File.Copy(appInfo, libInfo, overwrite: true);
                break;
        }

        var fetch = Cli(_target, "cache", "fetch", "--from", CacheUrl, "--trusted-public-key", trustedKey, app);

        Assert.NotEqual(0, fetch.ExitCode);
        Assert.DoesNotContain("Unhandled", fetch.Stderr);
        Assert.Contains(reason, fetch.Stderr);
        Assert.Contains(tampering == Tampering.UntrustedKey ? app : lib, fetch.Stderr);
        Assert.Empty(Entries(_target));
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
    }

    [Fact]
    public void Push_and_fetch_over_http_through_nginx()
    {
        var (lib, app) = Closure();
        var (secret, pub) = OurKey("http-1");
        using var nginx = new NginxServer(CacheDir);

        var push = Cli(_source, "cache", "push", "--to", nginx.Url + "/", "--secret-key-file", secret, app);
        Ok(push);
        Assert.True(File.Exists(Path.Combine(CacheDir, "nix-cache-info")));
        var again = Cli(_source, "cache", "push", "--to", nginx.Url, "--secret-key-file", secret, app);
        Assert.Contains("pushed 0 of 2 paths", again.Stderr);

        var fetch = Cli(_target, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, app);

        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        Assert.Equal(app, fetch.StdoutText.Trim());
        Assert.Equal([Path.GetFileName(lib), Path.GetFileName(app)], Entries(_target).Order());
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
        var missing = Cli(_target, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, NixStoreDir + "/" + new string('a', 32) + "-absent");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no cache has it", missing.Stderr);
    }

    [Fact]
    public void A_slow_link_shows_progress_and_a_cancel_mid_download_leaves_nothing_registered()
    {
        // 3 MiB that zstd cannot shrink, served at 256 KiB/s: about 12 s to download.
        var big = _source.Scratch("big");
        Directory.CreateDirectory(big);
        var data = new byte[3 << 20];
        new Random(3).NextBytes(data);
        File.WriteAllBytes(Path.Combine(big, "blob"), data);
        var path = Ok(Cli(_source, "store", "add", big)).Trim();
        var (secret, pub) = OurKey("slow-1");
        Ok(Cli(_source, "cache", "push", "--to", CacheUrl, "--secret-key-file", secret, path));
        using var nginx = new NginxServer(CacheDir, limitRateBytesPerSecond: 256 << 10);

        using var fetch = OurCli.StartWithStderr(["--root", _target.Root, "--store-dir", NixStoreDir, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, path]);
        var progressLines = new List<string>();
        var deadline = Stopwatch.StartNew();
        while (progressLines.Count < 3 && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            var line = fetch.StandardError.ReadLine();
            if (line is null)
            {
                break;
            }
            if (line.Contains(" of 3.0 MiB", StringComparison.Ordinal) && !line.StartsWith("[1/1", StringComparison.Ordinal))
            {
                progressLines.Add(line);
            }
        }
        HostProgram.Run("kill", ["-TERM", fetch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(fetch.WaitForExit(30_000));

        Assert.True(progressLines.Count >= 3, "expected progress while downloading, got: " + string.Join(" | ", progressLines));
        Assert.Contains(progressLines, l => l.Contains("s left", StringComparison.Ordinal));
        Assert.NotEqual(0, fetch.ExitCode);
        Assert.Empty(Entries(_target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_target.Root + NixStoreDir, ".tmp")));
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
    }

    [Fact]
    public void Key_generate_writes_a_private_secret_and_never_overwrites_one()
    {
        var (secret, pub) = OurKey("mode-1");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
        Assert.StartsWith("mode-1:", pub);
        var again = OurCli.Run("cache", "key", "generate", "mode-1", secret, _dir.Combine("x.pub"));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);
        var bad = OurCli.Run("cache", "key", "generate", "has:colon", _dir.Combine("y.sec"), _dir.Combine("y.pub"));
        Assert.Equal(2, bad.ExitCode);
        var wrongKey = Cli(_target, "cache", "fetch", "--from", CacheUrl, "--trusted-public-key", "name:notbase64!", NixStoreDir + "/" + new string('a', 32) + "-x");
        Assert.Equal(2, wrongKey.ExitCode);
        Assert.Contains("--trusted-public-key #1", wrongKey.Stderr);
    }
}
