using QiTech.Os.Base;
using QiTech.Os.Build;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>system.base</c>: the whole operating system under the system. A Debian base (suite,
/// architecture, packages: those declared plus those the enabled modules need) becomes a
/// store path the closure links as <c>base</c>, with the base's <c>kernel</c> and
/// <c>initrd</c>, and the stage-2 <c>init</c> each boot entry runs (<see cref="StageTwoInit"/>).
/// Programs published framework-dependent find the .NET runtime through
/// <c>etc/dotnet/install_location</c>.
/// </summary>
public sealed class BaseModule : IConfigModule
{
    /// <summary>What every base needs to boot under systemd and be driven from outside.</summary>
    public static readonly IReadOnlyList<string> BootPackages =
    [
        "linux-image-amd64", "initramfs-tools", "systemd", "systemd-sysv", "systemd-boot", "udev", "dbus", "libpam-systemd",
        "busybox-static", "e2fsprogs", "dosfstools", "mtools", "fdisk", "iproute2", "ca-certificates", "kmod",
    ];

    /// <summary>What the .NET runtime needs from the base (ICU, TLS, zlib).</summary>
    public static readonly IReadOnlyList<string> DotnetPackages = ["libicu72", "libssl3", "zlib1g", "libstdc++6"];

    private static readonly OptionPath Base = OptionPath.Parse("system.base");

    public string Name => "system.base";

    public void Declare(OptionSet options)
    {
        options.Declare("system.base.enable", Bool, false,
            "Make the system a whole operating system: a Debian base in the store, its kernel and initrd in the boot entries, and a stage-2 init that boots exactly this generation's /usr and /etc.");
        options.Declare("system.base.suite", Matching("^[a-z]+$", "Debian suite"), "bookworm", "The Debian suite of the base.");
        options.Declare("system.base.architecture", Enum("amd64"), "amd64", "The Debian architecture of the base.");
        options.Declare("system.base.variant", Enum([.. BaseRequest.Variants]), "minbase",
            "Which packages mmdebstrap installs before the listed ones: minbase is the essential set, the required ones and apt.");
        options.Declare("system.base.packages", ListOf(Matching("^[a-z0-9][a-z0-9+.-]+$", "Debian package name")), EmptyList,
            "Debian packages of the base, besides those the enabled modules need (the kernel, systemd, the kiosk's browser, nftables).", "[git, bubblewrap]");
        options.Declare("system.base.disabledUnits", ListOf(Matching(@"^[A-Za-z0-9][A-Za-z0-9:_.@-]*\.(service|socket|timer|path)$", "unit name")), EmptyList,
            "Units the base's packages enable (Debian enables a package's units when it installs it) that do not start at boot; they can still be started.",
            "[dnsmasq.service]");
    }

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (Enabled(config))
        {
            contributions.Set("system.base.packages", List([.. BootPackages, .. DotnetPackages]));
        }
    }

    public static bool Enabled(EvaluatedConfig config) => config.Bool("system.base.enable");

    /// <summary>The declared base as the lock file pins it, or null when the system has none.</summary>
    public static BaseRequest? Request(EvaluatedConfig config) =>
        Enabled(config)
            ? new BaseRequest(config.String("system.base.suite"), config.String("system.base.architecture"), config.String("system.base.variant"), config.Strings("system.base.packages"), config.Strings("system.base.disabledUnits"))
            : null;

    /// <summary>The lock of a configuration's base: <c>base.lock</c> beside the configuration file, as a flake's lock beside the flake.</summary>
    public static string LockPathFor(string configFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configFile))!, BaseLock.DefaultFileName);

    /// <summary>
    /// The base's lock (<c>base.lock</c> beside the top configuration file, checked against
    /// the declared base), or null when the system has no base.
    /// </summary>
    public static BaseLock? Lock(EvaluatedConfig config) =>
        Request(config) is { } request ? PinnedBase.ReadLock(LockPathFor(config.TopFile.File), request) : null;

    /// <summary>The base's derivation, named by its lock, or null when the system has no base.</summary>
    public static Derivation? Derivation(EvaluatedConfig config) =>
        Lock(config) is { } baseLock ? BaseDerivation.Create(baseLock) : null;

    /// <summary>The runtime framework-dependent .NET programs of the system run on, or null without a base.</summary>
    public static Derivation? DotnetRuntime(EvaluatedConfig config) =>
        Enabled(config) ? DotnetRuntimePackage.Create(HostInputs.DotnetSdkFor(Path.GetDirectoryName(Path.GetFullPath(config.TopFile.File))!)) : null;

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        if (Derivation(config) is not { } derivation)
        {
            return;
        }
        var storeDir = config.Importer.StoreDir;
        var output = BaseDerivation.OutputOf(derivation, storeDir);
        var basePath = storeDir.Render(output);
        var origin = config.LocationOf(Base.Append("enable"));
        tree.AddSymlink("base", basePath, origin, Base);
        tree.AddSymlink("kernel", basePath + "/kernel", origin, Base);
        tree.AddSymlink("initrd", basePath + "/initrd", origin, Base);
        tree.AddFile(StageTwoInit.FileName, StageTwoInit.Render(basePath, output.HashPart), origin, Base, executable: true);
        // Its first boot must not stop to ask for a locale or a root password on the console.
        tree.AddSymlink("etc/systemd/system/systemd-firstboot.service", "/dev/null", origin, Base);
        // The root partition grows to the disk at boot (systemd-repart), its file system with it
        // (x-systemd.growfs in the machine's fstab).
        tree.AddFile("etc/repart.d/50-root.conf", "[Partition]\nType=root-x86-64\n", origin, Base);
        var runtime = storeDir.Render(new DerivationHasher(storeDir).Resolve(DotnetRuntime(config)!).Out);
        tree.AddFile("etc/dotnet/install_location", runtime + "\n", origin, Base);
    }
}
