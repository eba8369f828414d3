using System.Security.Cryptography;
using System.Text;
using QiTech.Os.Config.Modules;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Vm;

/// <summary>
/// Further systems for the VM tests: built on the host into the suite's cached store from a
/// configuration that imports <c>configuration/vm.yaml</c> and adds to it, and carried into the
/// guest as a raw disk holding an export of the paths the guest lacks (read in the guest with
/// <c>qitech-os store import &lt; /dev/vdb</c>).
/// </summary>
public static class VmSystems
{
    public static string StoreRoot => Path.Combine(VmImageFixture.CacheDir, "root");

    /// <summary>A configuration-only second generation: a file in /etc and a variable of the server, both saying "2".</summary>
    public const string ConfigurationChange = """
        environment:
          etc:
            qitech-vm-test:
              text: "generation 2\n"
        services:
          qitech:
            environment:
              QITECH_VM_TEST: "2"
        """;

    /// <summary>
    /// Builds <c>vm.yaml</c> plus <paramref name="yaml"/> (which adds no Debian package, so the
    /// repository's base.lock, copied beside it, still pins its base); returns the system's path.
    /// </summary>
    public static string Build(string dir, string name, string yaml)
    {
        var file = Write(dir, name, yaml);
        File.Copy(BaseModule.LockPathFor(VmImageFixture.Config), BaseModule.LockPathFor(file), overwrite: true);
        return BuildFile(dir, name, file);
    }

    /// <summary>The third version's base adds this small Debian package (no dependencies beyond libc).</summary>
    public const string AddedPackage = "tree";

    /// <summary>A base that differs from vm.yaml's in one package, <see cref="AddedPackage"/>.</summary>
    public const string BaseWithAddedPackage = $"""
        system:
          base:
            packages: [{AddedPackage}]
        """;

    /// <summary>
    /// Builds <c>vm.yaml</c> plus <paramref name="baseYaml"/>, which changes the Debian base (adds a
    /// package), plus <paramref name="yaml"/> (which must not name <c>system</c>): the base's lock is
    /// resolved online once with <c>qitech-os base lock</c> (the machine's apt sources) and kept in
    /// the cache, keyed by the repository's lock and <paramref name="baseYaml"/> alone, so systems on
    /// the same new base share one lock and one base.
    /// </summary>
    public static string BuildWithNewBase(string dir, string name, string baseYaml, string yaml)
    {
        var file = Write(dir, name, baseYaml + "\n" + yaml);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            File.ReadAllText(BaseModule.LockPathFor(VmImageFixture.Config)) + "\n" + baseYaml)))[..20];
        var cached = Path.Combine(VmImageFixture.CacheDir, "locks", key + ".lock");
        if (!File.Exists(cached))
        {
            var locked = OurCli.RunLong(TimeSpan.FromMinutes(20), "base", "lock", "--config", file);
            File.WriteAllText(Path.Combine(dir, name + "-lock.log"), locked.Stderr);
            if (locked.ExitCode != 0)
            {
                throw new InvalidOperationException($"base lock --config {file} failed (exit {locked.ExitCode}; it needs the Debian mirror):\n{locked.Stderr}");
            }
            Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            File.Copy(BaseModule.LockPathFor(file), cached + ".new", overwrite: true);
            File.Move(cached + ".new", cached, overwrite: true);
        }
        File.Copy(cached, BaseModule.LockPathFor(file), overwrite: true);
        return BuildFile(dir, name, file);
    }

    private static string Write(string dir, string name, string yaml)
    {
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name + ".yaml");
        File.WriteAllText(file, $"imports:\n  - {VmImageFixture.Config}\n{yaml}");
        return file;
    }

    private static string BuildFile(string dir, string name, string file)
    {
        var r = OurCli.RunLong(TimeSpan.FromMinutes(60), "--root", StoreRoot, "build", "--no-out-link", "--config", file);
        File.WriteAllText(Path.Combine(dir, name + "-build.log"), r.Stderr);
        return r.ExitCode == 0
            ? r.StdoutText.Trim()
            : throw new InvalidOperationException($"building {file} failed (exit {r.ExitCode}):\n{string.Join('\n', r.Stderr.Split('\n').TakeLast(30))}");
    }

    /// <summary>
    /// A raw disk file with the export of <paramref name="system"/>'s closure minus what
    /// <paramref name="present"/>'s closure holds, and the guest command that imports it
    /// (the disk is padded to whole sectors; the import reads exactly the stream).
    /// </summary>
    public static (string Disk, string ImportCommand) TransferDisk(string dir, string system, string present)
    {
        var disk = Path.Combine(dir, "transfer.img");
        using var store = LocalStore.Open(new SystemLayout(StoreRoot, new StoreDirectory(StoreDirectory.Default)));
        var have = store.Closure([store.ParsePath(present)]);
        long length;
        using (var file = new FileStream(disk, FileMode.Create))
        {
            new StoreTransfer(store).Export([store.ParsePath(system)], file, present: have);
            length = file.Length;
            file.SetLength((length / 512 + 1) * 512);
        }
        return (disk, $"head -c {length} /dev/vdb | /run/current-system/sw/bin/qitech-os store import");
    }

    /// <summary>A second system for a test on the image's machine: its path, the disk that carries it in, and the machine's own disk and EFI variables, fresh.</summary>
    public sealed record Setup(string System, string Transfer, string ImportCommand, string Disk, string EfiVars);

    /// <summary>Builds <paramref name="yaml"/> on top of vm.yaml as <paramref name="name"/>, and a fresh overlay of the image in <paramref name="dir"/>.</summary>
    public static Setup Prepare(VmImageFixture.BuiltImage image, string dir, string name, string yaml)
    {
        var system = Build(dir, name, yaml);
        var (transfer, import) = TransferDisk(dir, system, image.System);
        var disk = VmImageFixture.Overlay(image.Path, dir);
        var efiVars = Path.Combine(dir, "efivars.fd");
        File.Delete(efiVars);
        return new Setup(system, transfer, import, disk, efiVars);
    }
}
