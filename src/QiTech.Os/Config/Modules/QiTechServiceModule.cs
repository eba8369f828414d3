using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>services.qitech</c>: the control server as the seed's module sets it up: its own system
/// user, a hardened unit that may use raw sockets and real-time scheduling and nothing more,
/// state under /var/lib/qitech-control-server (apart from the daemon's /var/lib/qitech), the port opened in the firewall, its own <c>/health</c> as the
/// health check activation waits for.
/// </summary>
public sealed class QiTechServiceModule : IConfigModule
{
    public const string UnitName = "qitech-control-server";
    private static readonly OptionPath Service = OptionPath.Parse("services.qitech");

    public string Name => "services.qitech";

    public void Declare(OptionSet options)
    {
        options.Declare("services.qitech.enable", Bool, false, "Run the QiTech Control server.");
        options.Declare("services.qitech.package", Package, "qitech-control-server", "The server's package (a name under packages).");
        options.Declare("services.qitech.executable", Matching(@"^[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*$", "relative path inside the package"),
            "bin/qitech-control-server", "The program inside the package.");
        options.Declare("services.qitech.port", Port, 3001L, "The HTTP port of the UI and REST API.");
        options.Declare("services.qitech.openFirewall", Bool, true, "Open the port in networking.firewall.");
        options.Declare("services.qitech.user", Matching(UsersModule.NamePattern, "user name"), "qitech-service", "The system user the server runs as (created).");
        options.Declare("services.qitech.group", Matching(UsersModule.NamePattern, "group name"), "qitech-service", "The server's group (created).");
        options.Declare("services.qitech.extraGroups", ListOf(Matching(UsersModule.NamePattern, "group name")), List("realtime"),
            "Further groups of the service user (real-time limits, device access).");
        options.Declare("services.qitech.environment", AttrsOf(Scalar), EmptySet, "Extra environment variables of the server.", "{ RUST_LOG: info }");
        options.Declare("services.qitech.restart", Enum("always", "on-failure", "on-abnormal", "on-abort", "no"), "always", "When systemd restarts the server.");
        options.Declare("services.qitech.restartSec", IntBetween(0, 3600), 2L, "Seconds to wait before a restart.");
        options.Declare("services.qitech.capabilities", ListOf(Matching("^CAP_[A-Z_]+$", "capability name")),
            List("CAP_NET_RAW", "CAP_NET_ADMIN", "CAP_SYS_NICE", "CAP_IPC_LOCK"),
            "Capabilities the server holds (raw Ethernet for EtherCAT, real-time priority, locked memory); it can gain no others.");
        options.Declare("services.qitech.stateDirectory", Matching("^[a-z0-9_-]+$", "directory name under /var/lib"), "qitech-control-server",
            "The server's own state kept across generations (its cookie-signing keys), under /var/lib (never rolled back); not the daemon's qitech.");
    }

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (!config.Bool("services.qitech.enable"))
        {
            return;
        }
        var user = config.String("services.qitech.user");
        var group = config.String("services.qitech.group");
        var port = config.Int("services.qitech.port");
        var package = config.String("services.qitech.package");
        var stateDirectory = config.String("services.qitech.stateDirectory");
        var capabilities = string.Join(' ', config.Strings("services.qitech.capabilities"));
        contributions.Set("users.users", new Dictionary<string, object?>
        {
            [user] = new Dictionary<string, object?>
            {
                ["isSystemUser"] = true,
                ["group"] = group,
                ["description"] = "QiTech Control server",
                ["extraGroups"] = config.List("services.qitech.extraGroups"),
            },
        });
        contributions.Set("users.groups", new Dictionary<string, object?> { [group] = new Dictionary<string, object?>() });
        // The server asks the daemon for every change: the daemon must admit its user.
        DaemonModule.Admit(config, contributions, user, group);
        foreach (var extra in config.Strings("services.qitech.extraGroups"))
        {
            contributions.Set("users.groups", new Dictionary<string, object?> { [extra] = new Dictionary<string, object?>() });
        }
        contributions.Set("environment.systemPackages", List(package));
        if (config.Bool("services.qitech.openFirewall"))
        {
            contributions.Set("networking.firewall.allowedTCPPorts", List(port));
        }
        var environment = new Dictionary<string, object?>
        {
            // The server's own setting (ControlServer:Port): it listens on loopback there, and
            // on its HTTPS port too when remote access is configured.
            ["ControlServer__Port"] = port,
            ["QITECH_CONTROL_PORT"] = port,
            ["QITECH_STATE_DIRECTORY"] = "/var/lib/" + stateDirectory,
            // Loopback connections of this group's members are the machine's own screen.
            ["ControlServer__DaemonGroup"] = DaemonModule.Group(config),
        };
        // The version in the unit itself, as the original sets it: a new version changes this
        // unit, so activation restarts the server (and only it) and it reports what runs.
        foreach (var (key, value) in VersionModule.Of(config).Variables)
        {
            environment[key] = value;
        }
        foreach (var (key, value) in config.Set("services.qitech.environment"))
        {
            environment[key] = value;
        }
        contributions.Set("systemd.services." + UnitName, new Dictionary<string, object?>
        {
            ["description"] = "QiTech Control server",
            ["wantedBy"] = List("multi-user.target"),
            ["after"] = List("network-online.target"),
            ["wants"] = List("network-online.target"),
            ["environment"] = environment,
            ["serviceConfig"] = new Dictionary<string, object?>
            {
                ["ExecStart"] = PackageExecutable(config),
                ["User"] = user,
                ["Group"] = group,
                ["Restart"] = config.String("services.qitech.restart"),
                ["RestartSec"] = config.Int("services.qitech.restartSec"),
                ["StateDirectory"] = stateDirectory,
                ["WorkingDirectory"] = "/var/lib/" + stateDirectory,
                ["CapabilityBoundingSet"] = capabilities,
                ["AmbientCapabilities"] = capabilities,
                ["LimitRTPRIO"] = 99L,
                ["LimitMEMLOCK"] = "infinity",
                ["LimitNICE"] = -20L,
                ["NoNewPrivileges"] = true,
                ["ProtectSystem"] = "strict",
                ["ProtectHome"] = true,
                ["PrivateTmp"] = true,
                ["ProtectKernelModules"] = true,
                ["ProtectKernelLogs"] = true,
                ["ProtectControlGroups"] = true,
                ["ProtectClock"] = true,
                ["ProtectHostname"] = true,
                ["RestrictSUIDSGID"] = true,
                ["LockPersonality"] = true,
                ["RestrictNamespaces"] = true,
                ["SystemCallArchitectures"] = "native",
                ["UMask"] = "0027",
            },
        });
        // Healthy: its own /health answers (it is ready and reaches the daemon) and it stays up
        // 5 s, so a server that answers once and then crashes is caught too.
        contributions.SetDefault("systemd.services." + UnitName + ".healthCheck", new Dictionary<string, object?>
        {
            ["http"] = $"http://127.0.0.1:{port}/health",
            ["activeSec"] = 5L,
            ["deadlineSec"] = 60L,
        });
    }

    private static string PackageExecutable(EvaluatedConfig config) =>
        PackagesModule.StorePathOrStandIn(config, config.String("services.qitech.package")) + "/" + config.String("services.qitech.executable");

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        if (config.Bool("services.qitech.enable"))
        {
            PackagesModule.CheckReference(config, checks, "services.qitech.package");
        }
        foreach (var variable in config.Set("services.qitech.environment").Keys)
        {
            checks.Assert(UnitFileWriter.EnvironmentNamePattern.IsMatch(variable), Service.Append("environment").Append(variable),
                $"'{TextChecks.Printable(variable)}' is not a valid variable name");
        }
    }
}
