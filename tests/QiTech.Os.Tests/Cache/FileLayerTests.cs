using QiTech.Os.Cache;
using QiTech.Os.Nix;
using QiTech.Os.Tests.Support;
using ZstdSharp;

namespace QiTech.Os.Tests.Cache;

/// <summary>
/// The cache's file layer: a second version that changes one file costs the cache about that
/// file and a machine holding the first version downloads about that file (counted by
/// nginx), while the real Nix still copies the same cache by its NARs. A tampered index or
/// blob is refused with the path named, and a cache without an index is read by its NARs.
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
        // The changed file (random, so zstd cannot shrink it) as the range of its frame in the NAR,
        // the frame map and an index of a few KiB; never the whole NAR.
        var fromNar = Assert.Single(sent, s => s.Uri.StartsWith("/nar/", StringComparison.Ordinal));
        Assert.InRange(fromNar.Bytes, ChangedFileBytes, ChangedFileBytes + (8 << 10));
        Assert.InRange(downloaded, ChangedFileBytes, ChangedFileBytes + (16 << 10));
        Assert.Contains($"fetched 1 paths, {downloaded} bytes downloaded", fetch.Stderr);
        // Beside the NAR (which Nix clients need anyway): a chunk or two of index, the chunk list and the frame map; no blob.
        Assert.InRange(layerGrowth, 1, 12 << 10);
        Assert.False(File.Exists(Path.Combine(CacheDir, NarIndex.BlobName(Sha256Digest.Of(File.ReadAllBytes(_source.Root + v2 + "/lib/app.dll"))))));
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
    public void A_large_file_is_compressed_once_and_kept_once_as_a_frame_of_the_nar_that_nix_and_a_machine_read()
    {
        var tree = _source.Scratch("framed/app");
        Directory.CreateDirectory(tree);
        var large = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 120_000).Select(i => $"line {i % 977}\n")));
        Assert.True(large.Length >= FramedNarWriter.OwnFrameFrom, $"{large.Length} bytes");
        File.WriteAllBytes(Path.Combine(tree, "big.txt"), large);
        File.WriteAllText(Path.Combine(tree, "small.txt"), "small\n");
        var path = Ok(Cli(_source, "store", "add", tree)).Trim();
        var (secret, pub) = Key();

        Ok(Cli(_source, "cache", "push", "--to", "file://" + CacheDir, "--secret-key-file", secret, path));

        // No blob beside the NAR: a reference to the frame inside it, which holds exactly the file.
        Assert.False(File.Exists(Path.Combine(CacheDir, NarIndex.BlobName(Sha256Digest.Of(large)))));
        var frame = FrameRef.Parse(File.ReadAllText(Path.Combine(CacheDir, FrameRef.FileName(Sha256Digest.Of(large)))), "test");
        var nar = File.ReadAllBytes(Path.Combine(CacheDir, frame.NarFile));
        Assert.True(frame.Length < large.Length / 4, $"a frame of {frame.Length} bytes");
        Assert.Equal(large, new Decompressor().Unwrap(nar.AsSpan((int)frame.Offset, (int)frame.Length)).ToArray());

        // A machine with nothing fetches through the file layer: the large file from its range of the NAR.
        using (var layered = new StoreRoot())
        {
            Ok(Cli(layered, "cache", "fetch", "--from", "file://" + CacheDir, "--trusted-public-key", pub, path));
            Assert.Equal(large, File.ReadAllBytes(layered.Root + path + "/big.txt"));
            Assert.Equal(0, Cli(layered, "store", "verify", "--check-contents").ExitCode);
        }
        var nixStore = _dir.Combine("nix-store");
        var copy = HostProgram.Run("nix", ["--extra-experimental-features", "nix-command", "copy", "--from", "file://" + CacheDir,
            "--to", $"local?root={nixStore}", "--option", "trusted-public-keys", pub, path]);
        Assert.True(copy.ExitCode == 0, copy.Stderr);
        Assert.Equal(large, File.ReadAllBytes(nixStore + path + "/big.txt"));
        // A machine reading the NAR itself (no file layer) decompresses every frame.
        Directory.Delete(Path.Combine(CacheDir, "qitech"), recursive: true);
        Ok(Cli(_target, "cache", "fetch", "--from", "file://" + CacheDir, "--trusted-public-key", pub, path));
        Assert.Equal(large, File.ReadAllBytes(_target.Root + path + "/big.txt"));
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
    }

    [Fact]
    public void A_changed_large_file_is_fetched_over_http_as_the_range_of_its_frame_in_the_nar()
    {
        var random = new Random(5);
        var sizes = new[] { (int)FramedNarWriter.OwnFrameFrom + 1000, (int)FramedNarWriter.OwnFrameFrom + 5000 };
        var v1 = _source.Scratch("large/v1/app");
        Directory.CreateDirectory(v1);
        foreach (var (size, i) in sizes.Select((s, i) => (s, i)))
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(v1, $"big{i}.bin"), bytes);
        }
        var v2 = _source.Scratch("large/v2/app");
        Directory.CreateDirectory(Path.GetDirectoryName(v2)!);
        Assert.Equal(0, HostProgram.Run("cp", ["-a", v1, Path.GetDirectoryName(v2)!]).ExitCode);
        var changed = new byte[sizes[1]];
        random.NextBytes(changed);
        File.WriteAllBytes(Path.Combine(v2, "big1.bin"), changed);
        var (p1, p2) = (Ok(Cli(_source, "store", "add", v1)).Trim(), Ok(Cli(_source, "store", "add", v2)).Trim());
        var (secret, pub) = Key();
        using var nginx = new NginxServer(CacheDir, logAccess: true);
        Ok(Cli(_source, "cache", "push", "--to", nginx.Url, "--secret-key-file", secret, p1, p2));
        Ok(Cli(_target, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, p1));
        var sentBefore = nginx.Sent().Count;

        Ok(Cli(_target, "cache", "fetch", "--from", nginx.Url, "--trusted-public-key", pub, p2));

        // The NARs hold both large files; what came of them was the changed file's frame alone.
        var narBytes = nginx.Sent().Skip(sentBefore).Where(s => s.Uri.StartsWith("/nar/", StringComparison.Ordinal)).Sum(s => s.Bytes);
        Assert.InRange(narBytes, changed.Length, changed.Length + (64 << 10));
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(CacheDir, "qitech", "files"), "*.zst"), f => new FileInfo(f).Length > FramedNarWriter.OwnFrameFrom / 2);
        Assert.Equal(changed, File.ReadAllBytes(_target.Root + p2 + "/big1.bin"));
        Assert.Equal(0, Cli(_target, "store", "verify", "--check-contents").ExitCode);
    }

    [Fact]
    public void A_frame_reference_that_leads_elsewhere_is_refused_with_the_path_named_and_nothing_registered()
    {
        var tree = _source.Scratch("badref/app");
        Directory.CreateDirectory(tree);
        var large = new byte[FramedNarWriter.OwnFrameFrom + 10];
        new Random(3).NextBytes(large);
        File.WriteAllBytes(Path.Combine(tree, "big.bin"), large);
        var path = Ok(Cli(_source, "store", "add", tree)).Trim();
        var (secret, pub) = Key();
        Ok(Cli(_source, "cache", "push", "--to", "file://" + CacheDir, "--secret-key-file", secret, path));
        var refFile = Path.Combine(CacheDir, FrameRef.FileName(Sha256Digest.Of(large)));
        var frame = FrameRef.Parse(File.ReadAllText(refFile), "test");
        File.WriteAllText(refFile, (frame with { Offset = frame.Offset + 8 }).Render());

        var fetch = Cli(_target, "cache", "fetch", "--from", "file://" + CacheDir, "--trusted-public-key", pub, path);

        Assert.NotEqual(0, fetch.ExitCode);
        Assert.DoesNotContain("Unhandled", fetch.Stderr, StringComparison.Ordinal);
        Assert.Matches("is damaged|hashes to", fetch.Stderr);
        Assert.Contains(path, fetch.Stderr, StringComparison.Ordinal);
        Assert.Contains(frame.NarFile, fetch.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_target.Root + path));

        File.WriteAllText(refFile, "../../etc/passwd 0 10\n");
        var escaping = Cli(_target, "cache", "fetch", "--from", "file://" + CacheDir, "--trusted-public-key", pub, path);
        Assert.NotEqual(0, escaping.ExitCode);
        Assert.Contains("not a frame reference", escaping.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_target.Root + path));
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
        // Without NARs every file has its blob (with them, the NAR's frames serve instead: see the frame map's case).
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

    public enum MapTampering
    {
        SkipShifted,
        Truncated,
        OutsideTheNar,
    }

    [Theory]
    [InlineData(MapTampering.SkipShifted, "hashes to")]
    [InlineData(MapTampering.Truncated, "is truncated")]
    [InlineData(MapTampering.OutsideTheNar, "lies outside its NAR")]
    public void A_tampered_frame_map_is_refused_with_the_path_named_and_nothing_registered(MapTampering tampering, string reason)
    {
        var (v1, v2) = TwoVersions();
        var (secret, pub) = Key();
        Ok(Cli(_source, "cache", "push", "--to", "file://" + CacheDir, "--secret-key-file", secret, v1, v2));
        Ok(Cli(_target, "cache", "fetch", "--from", "file://" + CacheDir, "--trusted-public-key", pub, v1));
        string Field(string name) => NarInfoField(v2, name);
        Assert.True(Sha256Digest.TryParse(Field("NarHash"), out var digest));
        var mapFile = Path.Combine(CacheDir, FrameMap.FileName(digest));
        var raw = new Decompressor().Unwrap(File.ReadAllBytes(mapFile)).ToArray();
        var narSize = long.Parse(Field("NarSize"), System.Globalization.CultureInfo.InvariantCulture);
        var map = FrameMap.Read(new MemoryStream(raw), narSize, long.Parse(Field("FileSize"), System.Globalization.CultureInfo.InvariantCulture), mapFile);
        var changed = Sha256Digest.Of(File.ReadAllBytes(Path.Combine(_source.Root + v2, "lib", "app.dll")));
        Assert.Contains(map.Files, f => f.Content == changed);
        var tampered = tampering switch
        {
            MapTampering.SkipShifted => new FrameMap([.. map.Files.Select(f => f.Content == changed ? f with { Skip = f.Skip + 1 } : f)]),
            MapTampering.OutsideTheNar => new FrameMap([.. map.Files.Select(f => f.Content == changed ? f with { FrameOffset = narSize * 2 } : f)]),
            _ => map,
        };
        using (var written = new MemoryStream())
        {
            tampered.Write(written);
            var bytes = tampering == MapTampering.Truncated ? written.ToArray()[..^10] : written.ToArray();
            File.WriteAllBytes(mapFile, new Compressor().Wrap(bytes).ToArray());
        }

        var fetch = Cli(_target, "cache", "fetch", "--from", "file://" + CacheDir, "--trusted-public-key", pub, v2);

        AssertRefusedWithNothingRegistered(fetch, reason, v1, v2);
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
