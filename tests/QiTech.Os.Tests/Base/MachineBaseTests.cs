using QiTech.Os.Base;
using QiTech.Os.Config;
using QiTech.Os.Config.Modules;
using QiTech.Os.Errors;
using QiTech.Os.Sources;
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
    public void A_base_that_names_no_packages_still_gets_what_booting_needs()
    {
        using var temp = new TempDir("qitech-base-config");
        var file = Path.Combine(temp.Path, "machine.yaml");
        File.WriteAllText(file, "system:\n  base:\n    enable: true\n");
        var evaluation = SystemBuilder.Evaluate(file, VersionInfo.Unknown, new HashingImporter(new Nix.StoreDirectory("/qitech/store")));
        var request = BaseModule.Request(evaluation.Config)!;
        Assert.Superset(new HashSet<string>(["linux-image-amd64", "systemd", "systemd-boot", "busybox-static"]), request.Packages.ToHashSet());
    }

    [Fact]
    public void A_base_without_its_lock_is_refused_naming_the_command_that_makes_it()
    {
        using var temp = new TempDir("qitech-base-config");
        var file = Path.Combine(temp.Path, "machine.yaml");
        File.WriteAllText(file, "system:\n  base:\n    enable: true\n");
        var evaluation = SystemBuilder.Evaluate(file, VersionInfo.Unknown, new HashingImporter(new Nix.StoreDirectory("/qitech/store")));
        var e = Assert.Throws<BadInputException>(() => BaseModule.Derivation(evaluation.Config));
        Assert.Contains(Path.Combine(temp.Path, "base.lock"), e.Message);
        Assert.Contains("qitech-os base lock", e.Message);
    }

    [Fact]
    public void A_whole_os_mounts_usb_sticks_read_only_for_the_update_page_unless_told_not_to()
    {
        var machine = SystemBuilder.Evaluate(RepoFiles.Combine("configuration", "machine.yaml"), VersionInfo.Unknown, new HashingImporter(new Nix.StoreDirectory("/qitech/store")));
        var rules = machine.Config.String("services.udev.extraRules");
        Assert.Contains("SUBSYSTEMS==\"usb\", ENV{ID_FS_USAGE}==\"filesystem\"", rules, StringComparison.Ordinal);
        Assert.Contains("systemd-mount --no-block --collect --fsck=no --options=ro,nosuid,nodev,noexec $devnode /media/usb-%k", rules, StringComparison.Ordinal);

        using var temp = new TempDir("qitech-base-config");
        var file = Path.Combine(temp.Path, "machine.yaml");
        File.WriteAllText(file, "system:\n  base:\n    enable: true\n  update:\n    mountRemovableMedia: false\n");
        var without = SystemBuilder.Evaluate(file, VersionInfo.Unknown, new HashingImporter(new Nix.StoreDirectory("/qitech/store")));
        Assert.DoesNotContain("systemd-mount", without.Config.String("services.udev.extraRules"), StringComparison.Ordinal);
    }
}
