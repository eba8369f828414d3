using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>services.qitech</c>: the control server as the original's module sets it up: its own system
/// user in the device groups, a hardened unit that may use raw sockets and real-time scheduling
/// and nothing more, state under /var/lib/qitech-control-server (apart from the daemon's /var/lib/qitech), with <c>openFirewall</c> remote access over
/// HTTPS with the firewall open for it, and its own <c>/health</c> as the check activation waits for.
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
        options.Declare("services.qitech.port", Port, 3001L, "The HTTP port of the UI and REST API, on loopback only (the kiosk's browser).");
        options.Declare("services.qitech.openFirewall", Bool, false,
            "Remote access, as the original's option: the server also listens over HTTPS on remoteAccess.port on every address, and the "
            + "firewall opens that port (never the loopback HTTP port). Remote peers sign in with the password whose hash is in "
            + "remoteAccess.passwordHashFile; without that file nobody can sign in and only /health and /login answer.");
        options.Declare("services.qitech.remoteAccess.port", Port, 443L,
            "The HTTPS port of remote access (the original's reverse proxy listens on 443). Below 1024 the server gets CAP_NET_BIND_SERVICE for it.");
        options.Declare("services.qitech.remoteAccess.certificate", PlainPath(), "/var/lib/qitech-control-server/tls/cert.pem",
            "The PEM certificate of remote access. When it is missing, a self-signed one (10 years, CN = the host name) is made with "
            + "its key before the server starts, as the original's 'tls internal'; put a real one here to replace it.");
        options.Declare("services.qitech.remoteAccess.certificateKey", PlainPath(), "/var/lib/qitech-control-server/tls/key.pem", "The PEM private key of the certificate.");
        options.Declare("services.qitech.remoteAccess.passwordHashFile", PlainPath(), "/var/lib/qitech-control-server/remote-password-hash",
            "A file on the machine (never in the store or the repository) holding the hash of the remote password, made by "
            + "'qitech-control-server hash-password' (the original's reverse proxy keeps its basic-auth snippet under /var/lib).");
        options.Declare("services.qitech.user", Matching(UsersModule.NamePattern, "user name"), "qitech-service", "The system user the server runs as (created).");
        options.Declare("services.qitech.group", Matching(UsersModule.NamePattern, "group name"), "qitech-service",
            "The server's group (created). udev gives it every USB device (mode 0660) and tags every network device with it, as the original's rules.");
        options.Declare("services.qitech.extraGroups", ListOf(Matching(UsersModule.NamePattern, "group name")), List("realtime", "plugdev", "dialout", "uucp"),
            "Further groups of the service user (real-time limits, USB and serial devices), as the original's.");
        options.Declare("services.qitech.environment", AttrsOf(Scalar), EmptySet, "Extra environment variables of the server.", "{ RUST_LOG: info }");
        options.Declare("services.qitech.restart", Enum("always", "on-failure", "on-abnormal", "on-abort", "no"), "always", "When systemd restarts the server.");
        options.Declare("services.qitech.restartSec", IntBetween(0, 3600), 10L, "Seconds to wait before a restart (the original's 10s).");
        options.Declare("services.qitech.capabilities", ListOf(Matching("^CAP_[A-Z_]+$", "capability name")),
            List("CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_NET_ADMIN", "CAP_SYS_NICE", "CAP_DAC_OVERRIDE"),
            "Capabilities the server holds, in the bounding and the ambient set, as the original's: raw Ethernet and interface setup for "
            + "EtherCAT, locked memory and real-time priority for the control loop, and DAC_OVERRIDE to write the root-owned "
            + "/proc/irq/*/smp_affinity that pins interrupts. It can gain no others.");
        options.Declare("services.qitech.stateDirectory", Matching("^[a-z0-9_-]+$", "directory name under /var/lib"), "qitech-control-server",
            "The server's own state kept across generations (its cookie-signing keys, remote access's certificate and password hash), "
            + "under /var/lib (never rolled back); not the daemon's qitech.");
        options.Declare("services.qitech.extraHardening", Bool, true,
            "Sandboxing beyond the original's unit, none of which the server's job needs: ProtectKernelModules, ProtectKernelLogs, "
            + "ProtectClock, ProtectHostname, RestrictSUIDSGID, SystemCallArchitectures=native, UMask=0027, and the rtprio/memlock/nice "
            + "limits set in the unit itself. Left out on purpose: ProtectKernelTunables (the original turns it off so /proc/irq can be written) "
            + "and PrivateDevices (the server opens USB and network devices). The rest of the unit is the original's: Restart, RestartSec=10s, "
            + "After=network.target, the capabilities, NoNewPrivileges, ProtectSystem=strict with ReadWritePaths=/proc/irq, ProtectHome, "
            + "PrivateTmp, ProtectControlGroups, RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET, RestrictNamespaces, "
            + "LockPersonality, SyslogIdentifier=qitech-control-server. Its environment differs: the original's RUST_* variables belong to "
            + "its Rust server, this one gets its port, state folder, the daemon's group and the version variables.");
    }

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (!config.Bool("services.qitech.enable"))
        {
            return;
        }
        var user = config.String("services.qitech.user");
        var group = config.String("services.qitech.group");
        var package = config.String("services.qitech.package");
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
        QiTechServiceDevices.Contribute(config, contributions, user, group);
        if (config.Bool("services.qitech.openFirewall"))
        {
            contributions.Set("networking.firewall.allowedTCPPorts", List(config.Int("services.qitech.remoteAccess.port")));
            QiTechRemoteAccess.Contribute(config, contributions);
        }
        contributions.Set("systemd.services." + UnitName, Unit(config));
        // Healthy: its own /health answers (it is ready and reaches the daemon) and it stays up
        // 5 s, so a server that answers once and then crashes is caught too.
        contributions.SetDefault("systemd.services." + UnitName + ".healthCheck", new Dictionary<string, object?>
        {
            ["http"] = $"http://127.0.0.1:{config.Int("services.qitech.port")}/health",
            ["activeSec"] = 5L,
            ["deadlineSec"] = 60L,
        });
    }

    private static Dictionary<string, object?> Unit(EvaluatedConfig config)
    {
        var port = config.Int("services.qitech.port");
        var stateDirectory = config.String("services.qitech.stateDirectory");
        var capabilities = config.Strings("services.qitech.capabilities").ToList();
        var remote = config.Bool("services.qitech.openFirewall");
        if (remote && config.Int("services.qitech.remoteAccess.port") < 1024 && !capabilities.Contains("CAP_NET_BIND_SERVICE"))
        {
            capabilities.Add("CAP_NET_BIND_SERVICE");
        }
        var environment = new Dictionary<string, object?>
        {
            // The server's own setting (ControlServer:Port): it listens on loopback there, and
            // on its HTTPS port too when remote access is on.
            ["ControlServer__Port"] = port,
            ["QITECH_CONTROL_PORT"] = port,
            ["QITECH_STATE_DIRECTORY"] = "/var/lib/" + stateDirectory,
            // Loopback connections of this group's members are the machine's own screen.
            ["ControlServer__DaemonGroup"] = DaemonModule.Group(config),
        };
        if (remote)
        {
            foreach (var (key, value) in QiTechRemoteAccess.ServerSettings(config))
            {
                environment[key] = value;
            }
        }
        // The version in the unit itself: a new version changes this unit, so activation
        // restarts the server (and only it) and it reports what runs.
        foreach (var (key, value) in VersionModule.Of(config).Variables())
        {
            environment[key] = value;
        }
        foreach (var (key, value) in config.Set("services.qitech.environment"))
        {
            environment[key] = value;
        }
        var service = new Dictionary<string, object?>
        {
            ["ExecStart"] = PackageExecutable(config),
            ["User"] = config.String("services.qitech.user"),
            ["Group"] = config.String("services.qitech.group"),
            ["Restart"] = config.String("services.qitech.restart"),
            ["RestartSec"] = config.Int("services.qitech.restartSec"),
            ["StateDirectory"] = stateDirectory,
            ["WorkingDirectory"] = "/var/lib/" + stateDirectory,
            ["CapabilityBoundingSet"] = string.Join(' ', capabilities),
            ["AmbientCapabilities"] = string.Join(' ', capabilities),
            ["NoNewPrivileges"] = true,
            ["ProtectSystem"] = "strict",
            // The control loop pins interrupts to its cores through /proc/irq/*/smp_affinity.
            ["ReadWritePaths"] = "/proc/irq",
            ["ProtectHome"] = true,
            ["PrivateTmp"] = true,
            ["ProtectControlGroups"] = true,
            ["RestrictAddressFamilies"] = "AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET",
            ["RestrictNamespaces"] = true,
            ["LockPersonality"] = true,
            ["SyslogIdentifier"] = UnitName,
        };
        if (config.Bool("services.qitech.extraHardening"))
        {
            service["LimitRTPRIO"] = 99L;
            service["LimitMEMLOCK"] = "infinity";
            service["LimitNICE"] = -20L;
            service["ProtectKernelModules"] = true;
            service["ProtectKernelLogs"] = true;
            service["ProtectClock"] = true;
            service["ProtectHostname"] = true;
            service["RestrictSUIDSGID"] = true;
            service["SystemCallArchitectures"] = "native";
            service["UMask"] = "0027";
        }
        var unit = new Dictionary<string, object?>
        {
            ["description"] = "QiTech Control server",
            ["wantedBy"] = List("multi-user.target"),
            ["after"] = List("network.target"),
            ["environment"] = environment,
            ["serviceConfig"] = service,
        };
        if (remote)
        {
            unit["after"] = List("network.target", QiTechRemoteAccess.CertificateUnit + ".service");
            unit["wants"] = List(QiTechRemoteAccess.CertificateUnit + ".service");
        }
        return unit;
    }

    // These paths go into command lines and environment lines of units as they are.
    private static Types.StringType PlainPath() => Matching(@"^(/[A-Za-z0-9_.+-]+)+$", "absolute path of letters, digits and _ . + -");

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
