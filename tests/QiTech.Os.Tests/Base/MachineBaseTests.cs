using QiTech.Os.Base;
using QiTech.Os.Config;
using QiTech.Os.Config.Modules;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Base;

/// <summary>The repository's machine declares a Debian 12 base, and its base.lock is for exactly that declaration.</summary>
public sealed class MachineBaseTests
{
    [Fact]
    public void The_machine_lock_pins_the_declared_base_with_a_kernel_systemd_and_the_kiosk()
    {
        var configFile = RepoFiles.Combine("configuration", "machine.yaml");
        var evaluation = SystemBuilder.Evaluate(configFile, VersionInfo.Unknown, new HashingImporter(new Nix.StoreDirectory("/qitech/store")));
        var request = BaseModule.Request(evaluation.Config);
        Assert.NotNull(request);
        Assert.Equal("bookworm", request.Suite);

        var baseLock = PinnedBase.ReadLock(BaseModule.LockPathFor(configFile), request);
        var names = baseLock.Packages.Select(p => p.Name).ToHashSet();
        foreach (var declared in request.Packages)
        {
            Assert.Contains(declared, names);
        }
        Assert.Contains(baseLock.Packages, p => p.Name.StartsWith("linux-image-6.", StringComparison.Ordinal));
        Assert.Contains("apt", names); // minbase: essential, required, apt
        Assert.Equal(File.ReadAllText(BaseModule.LockPathFor(configFile)), baseLock.Render());
    }

    [Fact]
    public void A_base_without_packages_is_refused_at_its_option()
    {
        using var temp = new TempDir("qitech-base-config");
        var file = Path.Combine(temp.Path, "machine.yaml");
        File.WriteAllText(file, "system:\n  base:\n    enable: true\n");
        var e = Assert.Throws<ConfigException>(() => SystemBuilder.Evaluate(file, VersionInfo.Unknown, new HashingImporter(new Nix.StoreDirectory("/qitech/store"))));
        Assert.Contains("system.base.packages", e.Message);
        Assert.Contains("a base names its packages (at least a kernel and systemd)", e.Message);
    }
}
