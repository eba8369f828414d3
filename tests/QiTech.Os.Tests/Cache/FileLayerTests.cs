using QiTech.Os.Cache;
using QiTech.Os.Nix;
using QiTech.Os.Tests.Support;
using ZstdSharp;

namespace QiTech.Os.Tests.Cache;

/// <summary>
/// The cache's file layer: a second version that changes one file costs the cache about that
/// file beside its NAR, and a machine holding the first version (or any version pushed before)
/// downloads about that file (counted by nginx), while the real Nix still copies the same cache
/// by its NARs. A machine whose version was never pushed there, or a cache without an index, is
/// served the whole NAR. A tampered index or blob is refused with the path named.
/// </summary>
public sealed class FileLayerTests : IDisposable
{
    private const string NixStoreDir = "/nix/store";
    private const int ChangedFileBytes = 200 << 10;
    private readonly StoreRoot _source = new();
    private readonly StoreRoot _target = new();
    private readonly TempDir _dir = new("qitech-filelayer");

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
        _dir.Dispose();
    }

    private string CacheDir => _dir.Combine("cache");

    private static QiTech.Os.Platform.ProcessResult Cli(StoreRoot store, params string[] args) =>
        OurCli.Run(["--root", store.Root, "--store-dir", NixStoreDir, .. args], null);

    private static string Ok(QiTech.Os.Platform.ProcessResult r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");
        return r.StdoutText;
    }

    /// <summary>Random (incompressible) files large enough to be blobs, small ones that stay in the index, a symlink; v2 rewrites one file and adds an executable copy of another.</summary>
    private (string V1, string V2) TwoVersions()
    {
        var v1 = _source.Scratch("v1/app");
        var random = new Random(11);
        foreach (var dir in new[] { "lib", "data", "etc" })
        {
            Directory.CreateDirectory(Path.Combine(v1, dir));
        }
        for (var i = 0; i < 8; i++)
        {
            var bytes = new byte[(64 << 10) + i * 1000];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(v1, "data", $"part{i}.bin"), bytes);
        }
        var big = new byte[ChangedFileBytes];
        random.NextBytes(big);
        File.WriteAllBytes(Path.Combine(v1, "lib", "app.dll"), big);
        for (var i = 0; i < 30; i++)
        {
            File.WriteAllText(Path.Combine(v1, "etc", $"setting{i}.json"), $"{{\"value\": {i}}}\n");
        }
        File.CreateSymbolicLink(Path.Combine(v1, "current"), "lib/app.dll");
        var v2 = _source.Scratch("v2/app");
        Directory.CreateDirectory(Path.GetDirectoryName(v2)!);
        Assert.Equal(0, HostProgram.Run("cp", ["-a", v1, Path.GetDirectoryName(v2)!]).ExitCode);
        random.NextBytes(big);
        File.WriteAllBytes(Path.Combine(v2, "lib", "app.dll"), big);
        var tool = Path.Combine(v2, "data", "tool");
        File.Copy(Path.Combine(v1, "data", "part3.bin"), tool);
        File.SetUnixFileMode(tool, File.GetUnixFileMode(tool) | UnixFileMode.UserExecute);
        return (Ok(Cli(_source, "store", "add", v1)).Trim(), Ok(Cli(_source, "store", "add", v2)).Trim());
    }

    private (string Secret, string Public) Key()
    {
        var secret = _dir.Combine("k.sec");
        var pub = _dir.Combine("k.pub");
        Ok(OurCli.Run("cache", "key", "generate", "layer-1", secret, pub));
        return (secret, File.ReadAllText(pub).Trim());
    }

    private static long DiskBytes(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static long LayerBytes(string dir) => DiskBytes(Path.Combine(dir, "qitech"));

    [Fact]
    public void A_second_version_fetched_onto_the_first_downloads_about_the_changed_file()
    {
        var (v1, v2) = TwoVersions();
        var (secret, pub) = Key();
        using var nginx = new NginxServer(CacheDir, logAccess: true);
        Ok(Cli(_source, "cache", "push", "--to", nginx.Url, "--secret-key-file", secret, v1));
        var layerBefore = LayerBytes(CacheDir);
        Ok(Cli(_source, "cache", "push", "--to", nginx.Url, "--secret-key-file", secret, v2));
        var layerGrowth = LayerBytes(CacheDir) - layerBefore;
        Ok(Cli(_target, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, v1));
        var sentBefore = nginx.Sent().Count;

        var fetch = Cli(_target, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, v2);

        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        var sent = nginx.Sent().Skip(sentBefore).Where(s => !s.Uri.EndsWith(".narinfo", StringComparison.Ordinal)).ToList();
        var downloaded = sent.Sum(s => s.Bytes);
        // The changed file's blob (random, so zstd cannot shrink it) and an index of a few KiB; never the NAR.
        Assert.DoesNotContain(sent, s => s.Uri.StartsWith("/nar/", StringComparison.Ordinal));
        var changedBlob = NarIndex.BlobName(Sha256Digest.Of(File.ReadAllBytes(_source.Root + v2 + "/lib/app.dll")));
        Assert.Contains(sent, s => s.Uri == "/" + changedBlob);
        Assert.InRange(downloaded, ChangedFileBytes, ChangedFileBytes + (16 << 10));
        Assert.Contains($"fetched 1 paths, {downloaded} bytes downloaded", fetch.Stderr);
        // Beside the NAR (which Nix clients need anyway): that blob, a chunk or two of index and the chunk list.
        Assert.InRange(layerGrowth, ChangedFileBytes, ChangedFileBytes + (12 << 10));
        // The first push, with no version before it, wrote no blob of a file: its machines read the NAR.
        Assert.False(File.Exists(Path.Combine(CacheDir, NarIndex.BlobName(Sha256Digest.Of(File.ReadAllBytes(_source.Root + v1 + "/lib/app.dll"))))));
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
        Assert.Equal(File.ReadAllBytes(_source.Root + v2 + "/lib/app.dll"), File.ReadAllBytes(_target.Root + v2 + "/lib/app.dll"));
        Assert.True(File.GetUnixFileMode(_target.Root + v2 + "/data/tool").HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void The_real_nix_copies_the_same_cache_by_its_nars()
    {
        var (v1, v2) = TwoVersions();
        var (secret, pub) = Key();
        Ok(Cli(_source, "cache", "push", "--to", "file://" + CacheDir, "--secret-key-file", secret, v1, v2));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(CacheDir, "qitech", "index")));
        var nixStore = _dir.Combine("nix-store");

        var copy = HostProgram.Run("nix", ["--extra-experimental-features", "nix-command", "copy", "--from", "file://" + CacheDir,
            "--to", $"local?root={nixStore}", "--option", "trusted-public-keys", pub, v1, v2]);

        Assert.True(copy.ExitCode == 0, copy.Stderr);
        Assert.Equal(File.ReadAllBytes(_source.Root + v2 + "/lib/app.dll"), File.ReadAllBytes(nixStore + v2 + "/lib/app.dll"));
    }

    [Fact]
    public void Without_nars_the_cache_grows_by_about_the_changed_file_and_machines_fetch_through_the_file_layer()
    {
        var (v1, v2) = TwoVersions();
        var (secret, pub) = Key();
        using var nginx = new NginxServer(CacheDir, logAccess: true);
        var first = Cli(_source, "cache", "push", "--without-nar", "--to", nginx.Url, "--secret-key-file", secret, v1);
        Assert.Contains("(file layer only)", Ok(first) + first.Stderr);
        var before = DiskBytes(CacheDir);
        Ok(Cli(_source, "cache", "push", "--without-nar", "--to", nginx.Url, "--secret-key-file", secret, v2));
        var growth = DiskBytes(CacheDir) - before;

        // A machine with nothing fetches both; a second fetch of v2 onto v1 costs about the changed file.
        Ok(Cli(_target, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, v1, v2));

        Assert.False(Directory.Exists(Path.Combine(CacheDir, "nar")));
        // The changed file's blob, the index chunks that changed, the chunk list and the narinfo: no NAR.
        Assert.InRange(growth, ChangedFileBytes, ChangedFileBytes + (16 << 10));
        Assert.DoesNotContain(nginx.Sent(), s => s.Uri.StartsWith("/nar/", StringComparison.Ordinal));
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
        Assert.Equal(File.ReadAllBytes(_source.Root + v2 + "/lib/app.dll"), File.ReadAllBytes(_target.Root + v2 + "/lib/app.dll"));
        // The narinfo still names the NAR it would be, signed over the same fingerprint Nix checks.
        var narInfo = File.ReadAllText(Directory.GetFiles(CacheDir, "*.narinfo")[0]);
        Assert.Contains("Compression: none", narInfo);
        Assert.Contains("Sig: layer-1:", narInfo);
    }

    [Fact]
    public void Without_an_index_the_whole_nar_is_fetched()
    {
        var (v1, v2) = TwoVersions();
        var (secret, pub) = Key();
        Ok(Cli(_source, "cache", "push", "--to", "file://" + CacheDir, "--secret-key-file", secret, v1, v2));
        Ok(Cli(_target, "cache", "fetch", "--from", "file://" + CacheDir, "--trusted-public-key", pub, v1));
        Directory.Delete(Path.Combine(CacheDir, "qitech"), recursive: true);
        using var nginx = new NginxServer(CacheDir, logAccess: true);

        var fetch = Cli(_target, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, v2);

        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        Assert.Contains(nginx.Sent(), s => s.Uri.StartsWith("/nar/", StringComparison.Ordinal) && s.Bytes > ChangedFileBytes * 2);
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
    }

    [Fact]
    public void A_machine_on_an_older_pushed_version_fetches_the_files_changed_since_as_blobs()
    {
        // Three versions whose names differ in their version only: each push compares with the last of that name.
        var (t1, t2) = TwoVersions();
        var t3 = _source.Scratch("v3/app");
        Directory.CreateDirectory(Path.GetDirectoryName(t3)!);
        Assert.Equal(0, HostProgram.Run("cp", ["-a", _source.Root + t2 + "/.", t3]).ExitCode);
        var part5 = new byte[70_000];
        new Random(17).NextBytes(part5);
        File.SetUnixFileMode(Path.Combine(t3, "data"), File.GetUnixFileMode(Path.Combine(t3, "data")) | UnixFileMode.UserWrite);
        File.SetUnixFileMode(Path.Combine(t3, "data", "part5.bin"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(Path.Combine(t3, "data", "part5.bin"), part5);
        var v1 = Ok(Cli(_source, "store", "add", _source.Root + t1, "--name", "app-1.0")).Trim();
        var v2 = Ok(Cli(_source, "store", "add", _source.Root + t2, "--name", "app-1.1")).Trim();
        var v3 = Ok(Cli(_source, "store", "add", t3, "--name", "app-1.2")).Trim();
        var (secret, pub) = Key();
        using var nginx = new NginxServer(CacheDir, logAccess: true);
        foreach (var version in new[] { v1, v2, v3 })
        {
            Ok(Cli(_source, "cache", "push", "--to", nginx.Url, "--secret-key-file", secret, version));
        }
        Ok(Cli(_target, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, v1));
        var sentBefore = nginx.Sent().Count;

        Ok(Cli(_target, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, v3));

        var sent = nginx.Sent().Skip(sentBefore).ToList();
        Assert.DoesNotContain(sent, s => s.Uri.StartsWith("/nar/", StringComparison.Ordinal));
        // Both files changed since v1: app.dll in v2 (its blob from v2's push), part5.bin in v3.
        Assert.Contains(sent, s => s.Uri == "/" + NarIndex.BlobName(Sha256Digest.Of(File.ReadAllBytes(_source.Root + v2 + "/lib/app.dll"))));
        Assert.Contains(sent, s => s.Uri == "/" + NarIndex.BlobName(Sha256Digest.Of(part5)));
        Assert.InRange(sent.Sum(s => s.Bytes), ChangedFileBytes + part5.Length, ChangedFileBytes + part5.Length + (24 << 10));
        Assert.Equal(part5, File.ReadAllBytes(_target.Root + v3 + "/data/part5.bin"));
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
    }

    [Fact]
    public void A_machine_whose_version_was_never_pushed_there_fetches_the_whole_nar()
    {
        var (v1, v2) = TwoVersions();
        var (secret, pub) = Key();
        // The machine got v1 elsewhere; this cache only ever received v2, so it holds no blobs.
        var elsewhere = _dir.Combine("elsewhere");
        Ok(Cli(_source, "cache", "push", "--to", "file://" + elsewhere, "--secret-key-file", secret, v1));
        Ok(Cli(_target, "cache", "fetch", "--from", "file://" + elsewhere, "--trusted-public-key", pub, v1));
        using var nginx = new NginxServer(CacheDir, logAccess: true);
        Ok(Cli(_source, "cache", "push", "--to", nginx.Url, "--secret-key-file", secret, v2));

        var fetch = Cli(_target, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, v2);

        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        var nar = Assert.Single(nginx.Sent(), s => s.Uri.StartsWith("/nar/", StringComparison.Ordinal));
        Assert.Equal(long.Parse(NarInfoField(v2, "FileSize"), System.Globalization.CultureInfo.InvariantCulture), nar.Bytes);
        Assert.Equal(File.ReadAllBytes(_source.Root + v2 + "/lib/app.dll"), File.ReadAllBytes(_target.Root + v2 + "/lib/app.dll"));
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
    }

    [Theory]
    [InlineData("not a pointer\n")]
    [InlineData("sha256:0000000000000000000000000000000000000000000000000000000000000000 1000\n")]
    public void A_pointer_to_the_previous_version_that_leads_nowhere_costs_the_blobs_not_the_push(string pointer)
    {
        var (v1, v2) = TwoVersions();
        var (secret, pub) = Key();
        Ok(Cli(_source, "cache", "push", "--to", "file://" + CacheDir, "--secret-key-file", secret, v1));
        var latest = Assert.Single(Directory.GetFiles(Path.Combine(CacheDir, "qitech", "latest")));
        File.WriteAllText(latest, pointer);
        Ok(Cli(_target, "cache", "fetch", "--from", "file://" + CacheDir, "--trusted-public-key", pub, v1));

        Ok(Cli(_source, "cache", "push", "--to", "file://" + CacheDir, "--secret-key-file", secret, v2));

        Assert.False(File.Exists(Path.Combine(CacheDir, NarIndex.BlobName(Sha256Digest.Of(File.ReadAllBytes(_source.Root + v2 + "/lib/app.dll"))))));
        // The pointer now names v2, for the push after it.
        Assert.True(Sha256Digest.TryParse(NarInfoField(v2, "NarHash"), out var narHash));
        Assert.Equal($"{narHash.ToTypedBase16()} {NarInfoField(v2, "NarSize")}\n", File.ReadAllText(latest));
        Ok(Cli(_target, "cache", "fetch", "--from", "file://" + CacheDir, "--trusted-public-key", pub, v2));
        Assert.Equal(File.ReadAllBytes(_source.Root + v2 + "/lib/app.dll"), File.ReadAllBytes(_target.Root + v2 + "/lib/app.dll"));
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
    }

    public enum Tampering
    {
        BlobOfOtherContent,
        BlobBytes,
        IndexNamesAnotherBlob,
        IndexTruncated,
    }

    [Theory]
    [InlineData(Tampering.BlobOfOtherContent, "hashes to")]
    [InlineData(Tampering.BlobBytes, "hashes to")]
    [InlineData(Tampering.IndexNamesAnotherBlob, "not the signed")]
    [InlineData(Tampering.IndexTruncated, "is truncated")]
    public void A_tampered_index_or_blob_is_refused_with_the_path_named_and_nothing_registered(Tampering tampering, string reason)
    {
        var (v1, v2) = TwoVersions();
        var (secret, pub) = Key();
        var blobs = Path.Combine(CacheDir, "qitech", "files");
        // Without NARs every file has its blob.
        Ok(Cli(_source, "cache", "push", "--without-nar", "--to", "file://" + CacheDir, "--secret-key-file", secret, v1));
        var firstBlobs = Directory.GetFiles(blobs).ToHashSet();
        Ok(Cli(_source, "cache", "push", "--without-nar", "--to", "file://" + CacheDir, "--secret-key-file", secret, v2));
        Ok(Cli(_target, "cache", "fetch", "--from", "file://" + CacheDir, "--trusted-public-key", pub, v1));
        var changedContent = Sha256Digest.Of(File.ReadAllBytes(Path.Combine(_source.Root + v2, "lib", "app.dll")));
        var newBlob = Path.Combine(CacheDir, NarIndex.BlobName(changedContent));
        Assert.Contains(newBlob, Directory.GetFiles(blobs).Where(f => !firstBlobs.Contains(f)));
        string Field(string name) => NarInfoField(v2, name);
        Assert.True(Sha256Digest.TryParse(Field("NarHash"), out var digest));
        var indexFile = Path.Combine(CacheDir, NarIndex.FileName(digest));
        switch (tampering)
        {
            case Tampering.BlobOfOtherContent:
                File.WriteAllBytes(newBlob, new Compressor().Wrap(new byte[ChangedFileBytes]).ToArray());
                break;
            case Tampering.BlobBytes:
                var bytes = File.ReadAllBytes(newBlob);
                bytes[bytes.Length / 2] ^= 0x55;
                File.WriteAllBytes(newBlob, bytes);
                break;
            case Tampering.IndexNamesAnotherBlob:
                // The first version's app.dll, which the target holds and which has the same size: only the NAR hash can tell.
                var index = ReadIndex(indexFile, long.Parse(Field("NarSize"), System.Globalization.CultureInfo.InvariantCulture));
                var changed = changedContent;
                var old = Sha256Digest.Of(File.ReadAllBytes(Path.Combine(_source.Root + v1, "lib", "app.dll")));
                WriteIndex(indexFile, index.Records.Select(r => r.IsFile && r.Content == changed ? NarIndexRecord.File(old, r.Size) : r));
                break;
            case Tampering.IndexTruncated:
                var raw = new Decompressor().Unwrap(File.ReadAllBytes(indexFile)).ToArray();
                File.WriteAllBytes(indexFile, new Compressor().Wrap(raw.AsSpan(0, raw.Length / 2)).ToArray());
                break;
        }

        var fetch = Cli(_target, "cache", "fetch", "--from", "file://" + CacheDir, "--trusted-public-key", pub, v2);

        AssertRefusedWithNothingRegistered(fetch, reason, v1, v2);
    }

    [Fact]
    public void A_store_path_whose_file_changed_since_it_was_added_is_not_pushed()
    {
        var (v1, _) = TwoVersions();
        var (secret, _) = Key();
        var file = _source.Root + v1 + "/data/part2.bin";
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x55;
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(file, bytes);

        var push = Cli(_source, "cache", "push", "--to", "file://" + CacheDir, "--secret-key-file", secret, v1);

        Assert.Equal(1, push.ExitCode);
        Assert.Contains($"{v1}: its contents no longer match the store's record", push.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(CacheDir, Path.GetFileName(v1)[..32] + ".narinfo")));
    }

    /// <summary>A field of <paramref name="path"/>'s narinfo in the cache.</summary>
    private string NarInfoField(string path, string name) =>
        File.ReadAllLines(Path.Combine(CacheDir, Path.GetFileName(path)[..32] + ".narinfo"))
            .Single(l => l.StartsWith(name + ": ", StringComparison.Ordinal))[(name.Length + 2)..];

    /// <summary>The fetch of <paramref name="v2"/> failed naming it and <paramref name="reason"/>; the target still holds <paramref name="v1"/> alone, no leftovers, and verifies.</summary>
    private void AssertRefusedWithNothingRegistered(QiTech.Os.Platform.ProcessResult fetch, string reason, string v1, string v2)
    {
        Assert.NotEqual(0, fetch.ExitCode);
        Assert.DoesNotContain("Unhandled", fetch.Stderr);
        Assert.True(fetch.Stderr.Contains(reason, StringComparison.Ordinal), fetch.Stderr);
        Assert.Contains(v2, fetch.Stderr);
        Assert.Equal([Path.GetFileName(v1)], Directory.EnumerateFileSystemEntries(_target.Root + NixStoreDir)
            .Select(e => Path.GetFileName(e)).Where(n => !n.StartsWith('.')));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_target.Root + NixStoreDir, ".tmp")));
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
    }

    /// <summary>The index behind a chunk list, its chunks read from the cache's blobs.</summary>
    private NarIndex ReadIndex(string file, long narSize)
    {
        using var list = new DecompressionStream(File.OpenRead(file));
        using var joined = new MemoryStream();
        foreach (var (content, _) in IndexChunkList.Read(list, long.MaxValue, file))
        {
            joined.Write(new Decompressor().Unwrap(File.ReadAllBytes(Path.Combine(CacheDir, NarIndex.BlobName(content)))));
        }
        joined.Position = 0;
        return NarIndex.Read(joined, narSize, file);
    }

    /// <summary>Writes an index as a push would: its chunks as blobs, then their list.</summary>
    private void WriteIndex(string file, IEnumerable<NarIndexRecord> records)
    {
        using var raw = new MemoryStream();
        NarIndex.WriteMagic(raw);
        foreach (var record in records)
        {
            if (record.Bytes is { } bytes)
            {
                NarIndex.WriteLiteral(raw, bytes);
            }
            else
            {
                NarIndex.WriteFile(raw, record.Content, record.Size);
            }
        }
        NarIndex.WriteEnd(raw);
        var chunks = new List<(Sha256Digest, int)>();
        foreach (var (start, length) in IndexChunker.Split(raw.ToArray()))
        {
            var chunk = raw.ToArray().AsSpan(start, length);
            var content = Sha256Digest.Of(chunk);
            File.WriteAllBytes(Path.Combine(CacheDir, NarIndex.BlobName(content)), new Compressor().Wrap(chunk).ToArray());
            chunks.Add((content, length));
        }
        using var list = new MemoryStream();
        IndexChunkList.Write(list, chunks);
        File.WriteAllBytes(file, new Compressor().Wrap(list.ToArray()).ToArray());
    }
}
