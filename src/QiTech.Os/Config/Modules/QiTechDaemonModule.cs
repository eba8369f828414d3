using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>services.qitechDaemon</c>: <c>qitech-osd</c> as a unit of the system it manages, as root
/// under systemd (it drives systemd through systemctl). Members of its group may change the
/// system; the control server's user is made one, so the operator's UI is admitted.
/// </summary>
public sealed class QiTechDaemonModule : IConfigModule
{
    public const string UnitName = "qitech-osd";

    /// <summary>The unit that holds boot-complete.target (and so systemd-bless-boot) until the boot is healthy.</summary>
    public const string BootCheckUnitName = "qitech-boot-check";

    public string Name => "services.qitechDaemon";

    public void Declare(OptionSet options)
    {
        options.Declare("services.qitechDaemon.enable", Bool, false, "Run qitech-osd, the daemon that owns the store and the generations, under systemd.");
        options.Declare("services.qitechDaemon.package", Package, "qitech-osd", "The daemon's package (a name under packages).");
        options.Declare("services.qitechDaemon.group", Matching(UsersModule.NamePattern, "group name"), "qitech-os",
            "Members of this group may change the system through the daemon (created; the control server's user is a member).");
    }

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (!config.Bool("services.qitechDaemon.enable"))
        {
            return;
        }
        var group = config.String("services.qitechDaemon.group");
        contributions.Set("users.groups", new Dictionary<string, object?> { [group] = new Dictionary<string, object?>() });
        if (config.Bool("services.qitech.enable"))
        {
            contributions.Set("services.qitech.extraGroups", List(group));
        }
        var package = config.String("services.qitechDaemon.package");
        contributions.Set("environment.systemPackages", List(package));
        contributions.Set("systemd.services." + UnitName, new Dictionary<string, object?>
        {
            ["description"] = "QiTech Control OS daemon",
            ["wantedBy"] = List("multi-user.target"),
            ["serviceConfig"] = new Dictionary<string, object?>
            {
                ["ExecStart"] = PackagesModule.StorePathOrStandIn(config, package) + "/bin/qitech-osd --group " + group,
                ["Restart"] = "always",
                ["RestartSec"] = 2L,
            },
        });
        // Automatic boot assessment: systemd-bless-boot marks the boot entry good once
        // boot-complete.target is reached, and this unit is required before it — so an entry is
        // blessed only when every enabled unit passed its health check, as the daemon judges it.
        contributions.Set("systemd.services." + BootCheckUnitName, new Dictionary<string, object?>
        {
            ["description"] = "QiTech Control OS: this boot's health checks",
            ["requiredBy"] = List("boot-complete.target"),
            // Every boot, also one systemd-bless-boot has nothing to do for (an entry blessed
            // before): its state is this boot's verdict, for whoever looks at the machine.
            ["wantedBy"] = List("multi-user.target"),
            ["before"] = List("boot-complete.target"),
            ["after"] = List(UnitName + ".service"),
            ["wants"] = List(UnitName + ".service"),
            ["serviceConfig"] = new Dictionary<string, object?>
            {
                ["Type"] = "oneshot",
                ["RemainAfterExit"] = true,
                ["ExecStart"] = PackagesModule.StorePathOrStandIn(config, package) + "/bin/qitech-osd boot-check",
                // The longest a health check may take (deadlineSec is at most an hour).
                ["TimeoutStartSec"] = "1h",
            },
        });
    }

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        if (config.Bool("services.qitechDaemon.enable"))
        {
            PackagesModule.CheckReference(config, checks, "services.qitechDaemon.package");
        }
    }
}
