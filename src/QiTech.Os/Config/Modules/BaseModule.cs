using QiTech.Os.Base;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>system.base</c>: the Debian base the machine runs on (suite, architecture, mmdebstrap
/// variant, packages). Its exact .debs are pinned by the lock file beside the configuration
/// (<see cref="LockPathFor"/>), which <c>qitech-os base lock</c> writes.
/// </summary>
public sealed class BaseModule : IConfigModule
{
    private static readonly OptionPath Packages = OptionPath.Parse("system.base.packages");

    public string Name => "system.base";

    public void Declare(OptionSet options)
    {
        options.Declare("system.base.enable", Bool, false,
            "Whether the system names a Debian base of its own (pinned by base.lock beside the configuration); without one it runs on the host's userland.");
        options.Declare("system.base.suite", Matching(DebianNames.Suite().ToString(), "Debian suite name"), "bookworm",
            "The Debian suite of the base.", "bookworm");
        options.Declare("system.base.architecture", Matching(DebianNames.Architecture().ToString(), "Debian architecture"), "amd64",
            "The Debian architecture of the base.", "amd64");
        options.Declare("system.base.variant", Enum([.. BaseRequest.Variants]), "minbase",
            "Which packages mmdebstrap installs before the listed ones: minbase is the essential set, the required ones and apt.");
        options.Declare("system.base.packages", ListOf(Matching(DebianNames.Package().ToString(), "Debian package name")), EmptyList,
            "Debian packages of the base, with what they depend on (Depends and Pre-Depends; no Recommends).", "[linux-image-amd64, systemd, cage]");
    }

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        if (config.Bool("system.base.enable"))
        {
            checks.Assert(config.List("system.base.packages").Count > 0, Packages, "a base names its packages (at least a kernel and systemd)");
        }
    }

    /// <summary>The declared base, or null when the system has none.</summary>
    public static BaseRequest? Request(EvaluatedConfig config) =>
        config.Bool("system.base.enable")
            ? new BaseRequest(config.String("system.base.suite"), config.String("system.base.architecture"), config.String("system.base.variant"), config.Strings("system.base.packages"))
            : null;

    /// <summary>The lock of a configuration's base: <c>base.lock</c> beside the configuration file, as a flake's lock beside the flake.</summary>
    public static string LockPathFor(string configFile) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configFile))!, BaseLock.DefaultFileName);
}
