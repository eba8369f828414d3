using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// What the control server may touch besides its unit, as the original's module grants it: every
/// USB device and network device through its group (udev), real-time login limits for its user
/// (pam_limits), and starting and stopping dnsmasq, which serves the machine network (polkit).
/// </summary>
public static class QiTechServiceDevices
{
    /// <summary>The unit the server may start and stop through systemd's D-Bus API.</summary>
    public const string DnsmasqUnit = "dnsmasq.service";

    public static void Contribute(EvaluatedConfig config, ConfigContributions contributions, string user, string group)
    {
        // user and group match UsersModule.NamePattern: safe inside the quoted rule texts below.
        contributions.Set("services.udev.extraRules", $"""
            # Generated from services.qitech: network devices (the EtherCAT ports) and every USB device belong to the server's group.
            SUBSYSTEM=="net", ACTION=="add", ATTR{"{"}address{"}"}=="*", TAG+="uaccess", TAG+="udev-acl", GROUP="{group}"
            SUBSYSTEM=="usb", ATTRS{"{"}idVendor{"}"}=="*", ATTRS{"{"}idProduct{"}"}=="*", MODE="0660", GROUP="{group}"

            """);
        contributions.Set("security.loginLimits", List(
            Limit(user, "rtprio", 99L),
            Limit(user, "memlock", "unlimited"),
            Limit(user, "nice", -20L)));
        contributions.Set("security.polkit.extraConfig", $$"""
            // Generated from services.qitech: the server starts and stops dnsmasq for the machine network, and nothing else.
            polkit.addRule(function(action, subject) {
              if (action.id == "org.freedesktop.systemd1.manage-units" &&
                  action.lookup("unit") == "{{DnsmasqUnit}}" &&
                  ["start", "stop", "restart"].indexOf(action.lookup("verb")) >= 0 &&
                  subject.user == "{{user}}") {
                return polkit.Result.YES;
              }
            });

            """);
        if (BaseModule.Enabled(config))
        {
            contributions.Set("system.base.packages", List("dnsmasq"));
            // The server starts it for the machine network; serving DHCP from boot on is not the original's way.
            contributions.Set("system.base.disabledUnits", List(DnsmasqUnit));
        }
    }

    private static Dictionary<string, object?> Limit(string domain, string item, object value) => new()
    {
        ["domain"] = domain,
        ["type"] = "-",
        ["item"] = item,
        ["value"] = value,
    };
}
