using QiTech.Os.Config.Modules;
using QiTech.Os.Sources;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Vm;

/// <summary>
/// The disk image of the repository's <c>configuration/vm.yaml</c> (the machine plus the qemu
/// guest agent), built once per run with the real CLI. What is expensive is kept between runs
/// outside the work tree, keyed by content: the store under <c>$QITECH_VM_CACHE</c> (default
/// /var/cache/qitech-os-test/vm) holds the Debian base and the packages by their store paths,
/// and images are kept by the system's hash, so an unchanged system is not written again.
/// </summary>
public sealed class VmImageFixture
{
    private readonly Lazy<BuiltImage> _image = new(Build);

    public sealed record BuiltImage(string Path, string System, VersionInfo Version);

    public static string CacheDir => Environment.GetEnvironmentVariable("QITECH_VM_CACHE") is { Length: > 0 } dir ? dir : "/var/cache/qitech-os-test/vm";

    public static string ArtifactsDir => RepoFiles.Combine("artifacts", "vm");

    /// <summary>
    /// The configuration the suite's machine is built from: the repository's vm.yaml, plus the
    /// suite's own bundle-signing key as trusted (so offline bundles can be installed on it). The
    /// key is made once per cache and kept there, so the image stays the same between runs.
    /// </summary>
    public static string Config => TestConfig.Value;

    /// <summary>The secret half of the suite's bundle-signing key (see <see cref="Config"/>).</summary>
    public static string BundleSecretKey => Path.Combine(CacheDir, "keys", "vm-bundles.secret");

    private static readonly Lazy<string> TestConfig = new(WriteTestConfig);

    private static string WriteTestConfig()
    {
        var keys = Path.Combine(CacheDir, "keys");
        var publicKey = Path.Combine(keys, "vm-bundles.public");
        if (!File.Exists(publicKey))
        {
            Directory.CreateDirectory(keys);
            var made = OurCli.Run("cache", "key", "generate", "qitech-vm-test-1", BundleSecretKey + ".new", publicKey + ".new");
            Assert.True(made.ExitCode == 0, made.Stderr);
            File.Move(BundleSecretKey + ".new", BundleSecretKey, overwrite: true);
            File.Move(publicKey + ".new", publicKey, overwrite: true);
        }
        var repoConfig = RepoFiles.Combine("configuration", "vm.yaml");
        var dir = Path.Combine(ArtifactsDir, "config");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "vm-test.yaml");
        File.WriteAllText(file, $"""
            imports:
              - {repoConfig}
            system:
              update:
                trustedPublicKeys: ["{File.ReadAllText(publicKey).Trim()}"]

            """);
        File.Copy(BaseModule.LockPathFor(repoConfig), BaseModule.LockPathFor(file), overwrite: true);
        return file;
    }

    /// <summary>The image; the first call builds it (minutes when nothing is cached).</summary>
    public BuiltImage Get() => _image.Value;

    private static BuiltImage Build()
    {
        var root = Path.Combine(CacheDir, "root");
        var images = Path.Combine(CacheDir, "images");
        Directory.CreateDirectory(images);
        Directory.CreateDirectory(ArtifactsDir);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var build = OurCli.RunLong(TimeSpan.FromMinutes(60), "--root", root, "build", "--no-out-link", "--config", Config);
        File.WriteAllText(Path.Combine(ArtifactsDir, "system-build.log"), build.Stderr);
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"building {Config} failed (exit {build.ExitCode}):\n{string.Join('\n', build.Stderr.Split('\n').TakeLast(30))}");
        }
        var system = build.StdoutText.Trim();
        var built = clock.Elapsed;
        var image = Path.Combine(images, Path.GetFileName(system).Split('-')[0] + ".img");
        if (!File.Exists(image))
        {
            var partial = image + ".new";
            var r = OurCli.RunLong(TimeSpan.FromMinutes(30), "--root", root, "image", "--config", Config, "--out", partial);
            File.WriteAllText(Path.Combine(ArtifactsDir, "image-build.log"), r.Stderr);
            if (r.ExitCode != 0)
            {
                throw new InvalidOperationException($"qitech-os image failed (exit {r.ExitCode}):\n{string.Join('\n', r.Stderr.Split('\n').TakeLast(30))}");
            }
            // The image is of the system the command built (the working tree may have moved on since).
            system = r.Stderr.Split('\n').Single(l => l.StartsWith("system: ", StringComparison.Ordinal))["system: ".Length..].Trim();
            image = Path.Combine(images, Path.GetFileName(system).Split('-')[0] + ".img");
            File.Move(partial, image, overwrite: true);
        }
        // Older images are of older commits: keep the newest few.
        foreach (var old in new DirectoryInfo(images).GetFiles("*.img").OrderByDescending(f => f.LastWriteTimeUtc).Skip(2))
        {
            old.Delete();
        }
        VmTimings.Record("system build (cached store)", built);
        VmTimings.Record("system build + image", clock.Elapsed);
        var release = File.ReadAllText(Path.Combine(root + system, ReleaseFile.FileName));
        return ReleaseFile.TryParse(release, out var version)
            ? new BuiltImage(image, system, version)
            : throw new InvalidOperationException($"{system}/qitech-os-release cannot be read: {release}");
    }

    /// <summary>A copy-on-write disk over the image for one test (qcow2), so the image stays as built.</summary>
    public static string Overlay(string image, string dir, string? size = null)
    {
        Directory.CreateDirectory(dir);
        var overlay = Path.Combine(dir, "disk.qcow2");
        File.Delete(overlay);
        var r = HostProgram.Run("/usr/bin/qemu-img", ["create", "-q", "-f", "qcow2", "-F", "raw", "-b", image, overlay, .. size == null ? Array.Empty<string>() : [size]]);
        return r.ExitCode == 0 ? overlay : throw new InvalidOperationException("qemu-img create failed: " + r.Stderr);
    }
}

[CollectionDefinition("vm")]
public sealed class VmCollection : ICollectionFixture<VmImageFixture>;
