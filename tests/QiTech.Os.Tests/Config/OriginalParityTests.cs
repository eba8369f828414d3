using QiTech.Os.Nix;
using QiTech.Os.Tests.Support;
using Xunit.Abstractions;

namespace QiTech.Os.Tests.Config;

/// <summary>
/// The example machine (configuration/machine.yaml), built by the real CLI, against the original
/// QiTech machine: nixos/modules/qitech.nix and nixos/os/configuration.nix of
/// github.com/qitechgmbh/control. Each row holds the line we must generate and, beside it, the
/// original's own value it stands for; where ours differs on purpose the row says why.
/// </summary>
public sealed class OriginalParityTests(OriginalParityTests.BuiltExample example, ITestOutputHelper output) : IClassFixture<OriginalParityTests.BuiltExample>
{
    private readonly TempDir temp = example.Temp;
    private readonly string root = example.Root;
    private readonly string system = example.System;

    /// <summary>The example built once for every test here.</summary>
    public sealed class BuiltExample : IDisposable
    {
        public TempDir Temp { get; } = new("qitech-parity");

        public string Root { get; }

        /// <summary>The physical path of the built system.</summary>
        public string System { get; }

        public BuiltExample()
        {
            Root = Temp.Combine("root");
            var r = OurCli.Run("--root", Root, "build", "--no-out-link", "--config", ExampleConfiguration.CopyTo(Temp.Combine("config")));
            Assert.True(r.ExitCode == 0, r.Stderr);
            System = Root + r.StdoutText.TrimEnd('\n').Split('\n')[^1];
        }

        public void Dispose() => Temp.Dispose();
    }

    /// <summary>boot.kernelParams of configuration.nix, in its order.</summary>
    private static readonly (string Ours, string Original)[] KernelParams =
    [
        ("preempt=full", "\"preempt=full\""),
        ("logo.nologo", "\"logo.nologo\""),
        // The original writes "mitigation=off", which the kernel ignores; its comment wants mitigations off.
        ("mitigations=off", "\"mitigation=off\" (sic)"),
        ("intel_pstate=performance", "\"intel_pstate=performance\""),
        ("transparent_hugepage=always", "\"transparent_hugepage=always\""),
        ("nmi_watchdog=0", "\"nmi_watchdog=0\""),
        ("pcie_aspm=off", "\"pcie_aspm=off\""),
        ("intel_iommu=off", "\"intel_iommu=off\""),
        ("panic=10", "\"panic=10\""),
        ("oops=panic", "\"oops=panic\""),
        ("usbcore.autosuspend=-1", "\"usbcore.autosuspend=-1\""),
        ("isolcpus=2,3", "\"isolcpus=2,3\""),
        ("nohz_full=2,3", "\"nohz_full=2,3\""),
        ("rcu_nocbs=2,3", "\"rcu_nocbs=2,3\""),
        ("cpufreq.default_governor=performance", "powerManagement.cpuFreqGovernor = \"performance\""),
    ];

    /// <summary>boot.kernel.sysctl of configuration.nix.</summary>
    private static readonly (string Ours, string Original)[] Sysctls =
    [
        ("kernel.panic = 10", "\"kernel.panic\" = 10"),
        ("kernel.panic_on_oops = 1", "\"kernel.panic_on_oops\" = 1"),
        ("kernel.sysrq = 1", "\"kernel.sysrq\" = 1"),
        ("vm.swappiness = 10", "\"vm.swappiness\" = 10"),
    ];

    /// <summary>systemd.services.qitech-control-server of qitech.nix.</summary>
    private static readonly (string Ours, string Original)[] ServerUnit =
    [
        ("WantedBy=multi-user.target", "wantedBy = [ \"multi-user.target\" ]"),
        // Ours also waits for the certificate its HTTPS listener needs (the original's reverse proxy's job).
        ("After=network.target qitech-control-server-certificate.service", "after = [ \"network.target\" ]"),
        ("User=qitech-service", "User = cfg.user"),
        ("Group=qitech-service", "Group = cfg.group"),
        ("Restart=always", "Restart = \"always\""),
        ("RestartSec=10", "RestartSec = \"10s\""),
        // Ours adds NET_BIND_SERVICE: the server itself listens on 443, where the original runs its reverse proxy.
        ("CapabilityBoundingSet=CAP_NET_RAW CAP_IPC_LOCK CAP_NET_ADMIN CAP_SYS_NICE CAP_DAC_OVERRIDE CAP_NET_BIND_SERVICE",
            "CapabilityBoundingSet = \"CAP_NET_RAW CAP_IPC_LOCK CAP_NET_ADMIN CAP_SYS_NICE CAP_DAC_OVERRIDE\""),
        ("AmbientCapabilities=CAP_NET_RAW CAP_IPC_LOCK CAP_NET_ADMIN CAP_SYS_NICE CAP_DAC_OVERRIDE CAP_NET_BIND_SERVICE",
            "AmbientCapabilities = \"CAP_NET_RAW CAP_IPC_LOCK CAP_NET_ADMIN CAP_SYS_NICE CAP_DAC_OVERRIDE\""),
        ("NoNewPrivileges=true", "NoNewPrivileges = true"),
        ("ProtectSystem=strict", "ProtectSystem = \"strict\""),
        // Ours keeps the server's state apart from the daemon's /var/lib/qitech (the update token lives there).
        ("StateDirectory=qitech-control-server", "StateDirectory = \"qitech\""),
        ("ReadWritePaths=/proc/irq", "ReadWritePaths = [ \"/proc/irq\" ]"),
        ("ProtectHome=true", "ProtectHome = true"),
        ("PrivateTmp=true", "PrivateTmp = true"),
        ("ProtectControlGroups=true", "ProtectControlGroups = true"),
        ("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET", "RestrictAddressFamilies = \"AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET\""),
        ("RestrictNamespaces=true", "RestrictNamespaces = true"),
        ("LockPersonality=true", "LockPersonality = true"),
        ("SyslogIdentifier=qitech-control-server", "SyslogIdentifier = \"qitech-control-server\""),
    ];

    /// <summary>Settings the original turns off (or leaves at systemd's default, off) that we must not turn on.</summary>
    private static readonly (string Prefix, string Original)[] ServerUnitNever =
    [
        ("ProtectKernelTunables=", "ProtectKernelTunables = false (/proc/irq is written)"),
        ("PrivateDevices=", "PrivateDevices = false (USB and network devices)"),
        ("MemoryDenyWriteExecute=", "MemoryDenyWriteExecute = false (.NET's JIT writes code)"),
        ("Environment=\"RUST_", "RUST_BACKTRACE, RUST_LOG: its Rust server's, not ours"),
    ];

    /// <summary>services.udev.extraRules of qitech.nix (group = cfg.group).</summary>
    private static readonly (string Ours, string Original)[] UdevRules =
    [
        ("SUBSYSTEM==\"net\", ACTION==\"add\", ATTR{address}==\"*\", TAG+=\"uaccess\", TAG+=\"udev-acl\", GROUP=\"qitech-service\"",
            "SUBSYSTEM==\"net\", ACTION==\"add\", ATTR{address}==\"*\", TAG+=\"uaccess\", TAG+=\"udev-acl\", GROUP=\"${cfg.group}\""),
        ("SUBSYSTEM==\"usb\", ATTRS{idVendor}==\"*\", ATTRS{idProduct}==\"*\", MODE=\"0660\", GROUP=\"qitech-service\"",
            "SUBSYSTEM==\"usb\", ATTRS{idVendor}==\"*\", ATTRS{idProduct}==\"*\", MODE=\"0660\", GROUP=\"${cfg.group}\""),
    ];

    /// <summary>security.pam.loginLimits of both files.</summary>
    private static readonly (string Ours, string Original)[] Limits =
    [
        ("@realtime - rtprio 99", "{ domain = \"@realtime\"; type = \"-\"; item = \"rtprio\"; value = \"99\"; }"),
        ("@realtime - memlock unlimited", "{ domain = \"@realtime\"; type = \"-\"; item = \"memlock\"; value = \"unlimited\"; }"),
        ("@realtime - nice -20", "{ domain = \"@realtime\"; type = \"-\"; item = \"nice\"; value = \"-20\"; }"),
        ("qitech-service - rtprio 99", "{ domain = cfg.user; type = \"-\"; item = \"rtprio\"; value = \"99\"; }"),
        ("qitech-service - memlock unlimited", "{ domain = cfg.user; type = \"-\"; item = \"memlock\"; value = \"unlimited\"; }"),
        ("qitech-service - nice -20", "{ domain = cfg.user; type = \"-\"; item = \"nice\"; value = \"-20\"; }"),
    ];

    /// <summary>security.polkit.extraConfig of qitech.nix; ours also names the verbs (start, stop, restart).</summary>
    private static readonly (string Ours, string Original)[] PolkitRule =
    [
        ("if (action.id == \"org.freedesktop.systemd1.manage-units\" &&", "if (action.id == \"org.freedesktop.systemd1.manage-units\" &&"),
        ("action.lookup(\"unit\") == \"dnsmasq.service\" &&", "action.lookup(\"unit\") == \"dnsmasq.service\" &&"),
        ("subject.user == \"qitech-service\") {", "subject.user == \"${cfg.user}\") {"),
        ("return polkit.Result.YES;", "return polkit.Result.YES;"),
    ];

    /// <summary>networking.firewall of configuration.nix (443 through services.qitech.openFirewall, as qitech.nix opens it).</summary>
    private static readonly (string Ours, string Original)[] Firewall =
    [
        // 22: ours keeps ssh's port open for service technicians (the original's older configuration ran openssh).
        ("tcp dport { 22, 443 } accept", "allowedTCPPorts = [ 443 ]"),
        ("udp dport { 53, 67, 69 } accept", "allowedUDPPorts = [ 53 67 69 ]"),
    ];

    /// <summary>The rest of configuration.nix that becomes a file in /etc.</summary>
    private static readonly (string File, string Ours, string Original)[] Session =
    [
        ("etc/systemd/logind.conf.d/qitech.conf", "HandlePowerKey=ignore", "services.logind.settings.Login.HandlePowerKey = \"ignore\""),
        ("etc/systemd/logind.conf.d/qitech.conf", "HandleSuspendKey=ignore", "HandleSuspendKey = \"ignore\""),
        ("etc/systemd/logind.conf.d/qitech.conf", "HandleHibernateKey=ignore", "HandleHibernateKey = \"ignore\""),
        ("etc/systemd/logind.conf.d/qitech.conf", "HandleLidSwitch=ignore", "HandleLidSwitch = \"ignore\""),
        ("etc/systemd/logind.conf.d/qitech.conf", "IdleAction=ignore", "IdleAction = \"ignore\""),
        ("etc/NetworkManager/conf.d/qitech.conf", "unmanaged-devices=type:ethernet", "networking.networkmanager.unmanaged = [ \"type:ethernet\" ]"),
        ("etc/environment", "QITECH_OS='true'", "environment.variables.QITECH_OS = \"true\""),
        ("etc/environment", "QITECH_OS_GIT_COMMIT='unknown'", "QITECH_OS_GIT_COMMIT = gitInfo.gitCommit (no git here)"),
        // The original leaves NixOS's defaults: en_US.UTF-8 with every locale, and UTC.
        ("etc/default/locale", "LANG=en_US.UTF-8", "i18n.defaultLocale (NixOS's default) with i18n.supportedLocales = [ \"all\" ]"),
        ("etc/timezone", "UTC", "time.timeZone = null (NixOS's UTC)"),
    ];

    [Fact]
    public void Kernel_parameters_and_sysctls_are_the_original_s()
    {
        var parameters = File.ReadAllText(Path.Combine(system, "kernel-params")).TrimEnd('\n').Split(' ');
        foreach (var (ours, original) in KernelParams)
        {
            Assert.True(parameters.Contains(ours), $"kernel parameter {ours} (the original's {original}) missing from: {string.Join(' ', parameters)}");
        }
        // In the original's order (what the kernel sees last wins for repeated parameters).
        var ordered = KernelParams.Select(p => p.Ours).ToList();
        Assert.Equal(ordered, parameters.Where(ordered.Contains));

        var sysctl = Lines("etc/sysctl.d/60-qitech.conf");
        foreach (var (ours, original) in Sysctls)
        {
            Assert.True(sysctl.Contains(ours), $"sysctl '{ours}' (the original's {original}) missing");
        }
    }

    [Fact]
    public void The_performance_governor_is_set_at_boot_and_by_a_unit_where_the_cpu_scales()
    {
        var unit = Lines("etc/systemd/system/cpufreq.service");
        Assert.Contains("ConditionPathExists=/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", unit);
        Assert.Contains("ExecStart=/bin/sh -c 'echo performance | tee /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor >/dev/null'", unit);
        Assert.Equal("../cpufreq.service", new FileInfo(Path.Combine(system, "etc/systemd/system/multi-user.target.wants/cpufreq.service")).LinkTarget);
    }

    [FactNeeding("systemd-analyze")]
    public void The_server_unit_is_the_original_s_and_systemd_accepts_it()
    {
        var unit = Lines("etc/systemd/system/qitech-control-server.service");
        foreach (var (ours, original) in ServerUnit)
        {
            Assert.True(unit.Contains(ours), $"unit line '{ours}' (the original's {original}) missing");
        }
        foreach (var (prefix, original) in ServerUnitNever)
        {
            Assert.False(unit.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)), $"'{prefix}' must not be set (the original's {original})");
        }

        // systemd-analyze verify under a root with the distribution's units and the server's package.
        var verifyRoot = temp.Combine("verify-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(verifyRoot, "usr/lib/systemd"));
        Run("cp", "-a", "/usr/lib/systemd/system", Path.Combine(verifyRoot, "usr/lib/systemd/system"));
        Run("cp", "-a", Path.Combine(system, "etc"), Path.Combine(verifyRoot, "etc"));
        Run("chmod", "-R", "u+w", Path.Combine(verifyRoot, "etc"));
        var package = unit.Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..].Split('/')[3];
        Directory.CreateDirectory(verifyRoot + StoreDirectory.Default);
        Run("cp", "-a", root + StoreDirectory.Default + "/" + package, verifyRoot + StoreDirectory.Default + "/" + package);
        Directory.CreateDirectory(Path.Combine(verifyRoot, "usr/bin"));
        Run("cp", "-L", "/usr/bin/openssl", Path.Combine(verifyRoot, "usr/bin/openssl"));
        Run("cp", "-L", "/usr/bin/mkdir", Path.Combine(verifyRoot, "usr/bin/mkdir"));
        var verify = HostProgram.Run("systemd-analyze", ["verify", "--root=" + verifyRoot, "qitech-control-server.service", "qitech-control-server-certificate.service"],
            cwd: verifyRoot);
        Assert.True(verify.ExitCode == 0 && verify.Stderr.Length == 0, verify.Stderr);
    }

    /// <summary>
    /// The original's systemd.services.qitech-control-server.serviceConfig as a unit file, option
    /// for option (its ExecStart stands in: the offline analysis reads settings, not the program).
    /// </summary>
    private const string OriginalServerUnit = """
        [Unit]
        Description=QiTech Control Server
        After=network.target

        [Service]
        Type=simple
        User=qitech-service
        Group=qitech-service
        ExecStart=/usr/bin/true
        Restart=always
        RestartSec=10s
        CapabilityBoundingSet=CAP_NET_RAW CAP_IPC_LOCK CAP_NET_ADMIN CAP_SYS_NICE CAP_DAC_OVERRIDE
        AmbientCapabilities=CAP_NET_RAW CAP_IPC_LOCK CAP_NET_ADMIN CAP_SYS_NICE CAP_DAC_OVERRIDE
        NoNewPrivileges=true
        ProtectSystem=strict
        StateDirectory=qitech
        ReadWritePaths=/proc/irq
        ProtectHome=true
        PrivateTmp=true
        PrivateDevices=false
        ProtectKernelTunables=false
        ProtectControlGroups=true
        RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK AF_PACKET
        RestrictNamespaces=true
        LockPersonality=true
        MemoryDenyWriteExecute=false
        StandardOutput=journal
        StandardError=journal
        SyslogIdentifier=qitech-control-server
        Environment=RUST_BACKTRACE=full RUST_LOG=info

        [Install]
        WantedBy=multi-user.target
        """;

    [FactNeeding("systemd-analyze")]
    public void The_server_unit_is_exposed_less_than_the_original_s_by_systemd_s_own_score()
    {
        var dir = temp.Combine("security-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var original = Path.Combine(dir, "original-qitech-control-server.service");
        File.WriteAllText(original, OriginalServerUnit);
        var ours = Path.Combine(dir, "qitech-control-server.service");
        File.Copy(Path.Combine(system, "etc/systemd/system/qitech-control-server.service"), ours);

        var originalScore = ExposureOf(original);
        var ourScore = ExposureOf(ours);
        output.WriteLine($"systemd-analyze security --offline: ours {ourScore.Text}, the original's {originalScore.Text}");
        Assert.True(ourScore.Value < originalScore.Value, $"ours {ourScore.Text} is not below the original's {originalScore.Text}");
    }

    /// <summary>The "Overall exposure level" systemd-analyze gives a unit file read on its own.</summary>
    private static (double Value, string Text) ExposureOf(string unitFile)
    {
        var r = HostProgram.Run("systemd-analyze", ["security", "--offline=true", "--no-pager", unitFile], cwd: Path.GetDirectoryName(unitFile));
        var match = System.Text.RegularExpressions.Regex.Match(r.StdoutText, @"Overall exposure level for \S+: (\d+\.\d) (\S+)");
        Assert.True(match.Success, $"no exposure level for {unitFile}: {r.StdoutText}{r.Stderr}");
        return (double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[1].Value + " " + match.Groups[2].Value);
    }

    [Fact]
    public void Remote_access_listens_where_the_firewall_opens_and_loopback_keeps_3001()
    {
        var unit = Lines("etc/systemd/system/qitech-control-server.service");
        Assert.Contains("Environment=\"ControlServer__Port=3001\"", unit);
        Assert.Contains("Environment=\"ControlServer__Remote__Enabled=true\"", unit);
        Assert.Contains("Environment=\"ControlServer__Remote__Port=443\"", unit);
        Assert.Contains("Environment=\"ControlServer__Remote__PasswordHashFile=/var/lib/qitech-control-server/remote-password-hash\"", unit);
        var certificate = Lines("etc/systemd/system/qitech-control-server-certificate.service");
        Assert.Contains("ConditionPathExists=!/var/lib/qitech-control-server/tls/cert.pem", certificate);
        Assert.Contains("User=qitech-service", certificate);
        var ruleset = File.ReadAllText(Path.Combine(system, "etc/nftables/qitech-firewall.nft"));
        Assert.DoesNotContain("3001", ruleset, StringComparison.Ordinal);
    }

    [FactNeeding("nft")]
    public void The_firewall_opens_the_original_s_ports_and_nft_accepts_it()
    {
        var path = Path.Combine(system, "etc/nftables/qitech-firewall.nft");
        var ruleset = Lines("etc/nftables/qitech-firewall.nft").Select(l => l.Trim()).ToList();
        foreach (var (ours, original) in Firewall)
        {
            Assert.True(ruleset.Contains(ours), $"firewall rule '{ours}' (the original's {original}) missing");
        }
        var check = HostProgram.Run("nft", ["-c", "-f", path]);
        Assert.True(check.ExitCode == 0, check.Stderr);
    }

    [SkippableFact]
    public void Udev_gives_every_usb_and_network_device_to_the_service_group()
    {
        var rules = Lines("etc/udev/rules.d/99-qitech.rules");
        foreach (var (ours, original) in UdevRules)
        {
            Assert.True(rules.Contains(ours), $"udev rule '{ours}' (the original's {original}) missing");
        }
        Skip.If(HostProgram.Run("udevadm", ["verify", "--help"]).ExitCode != 0,
            "this udevadm has no 'verify' (systemd before 254, as Debian 12's); only the rules' text was checked");
        var verify = HostProgram.Run("udevadm", ["verify", Path.Combine(system, "etc/udev/rules.d/99-qitech.rules")]);
        Assert.True(verify.ExitCode == 0, verify.Stderr);
    }

    [FactNeeding("systemd-sysusers")]
    public void The_service_user_is_in_the_original_s_groups_with_its_login_limits()
    {
        var usersRoot = temp.Combine("users-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(usersRoot);
        Run("cp", "-a", Path.Combine(system, "etc"), Path.Combine(usersRoot, "etc"));
        Run("chmod", "-R", "u+w", Path.Combine(usersRoot, "etc"));
        var sysusers = HostProgram.Run("systemd-sysusers", ["--root=" + usersRoot]);
        Assert.True(sysusers.ExitCode == 0, sysusers.Stderr);
        var groups = File.ReadAllLines(Path.Combine(usersRoot, "etc/group"))
            .Where(l => l.Split(':')[3].Split(',').Contains("qitech-service"))
            .Select(l => l.Split(':')[0]).ToHashSet();
        // extraGroups = [ "realtime" "plugdev" "dialout" "uucp" ] in the original; "qitech" is the daemon's admitted group.
        foreach (var group in new[] { "realtime", "plugdev", "dialout", "uucp" })
        {
            Assert.True(groups.Contains(group), $"qitech-service is not in {group} (the original's extraGroups), only in {string.Join(", ", groups)}");
        }

        var limits = Lines("etc/security/limits.d/90-qitech.conf");
        foreach (var (ours, original) in Limits)
        {
            Assert.True(limits.Contains(ours), $"limit '{ours}' (the original's {original}) missing");
        }
    }

    [Fact]
    public void Polkit_lets_the_service_user_start_and_stop_dnsmasq_only()
    {
        var rule = Lines("etc/polkit-1/rules.d/10-qitech.rules").Select(l => l.Trim()).ToList();
        foreach (var (ours, original) in PolkitRule)
        {
            Assert.True(rule.Contains(ours), $"polkit line '{ours}' (the original's {original}) missing");
        }
        Assert.Contains("[\"start\", \"stop\", \"restart\"].indexOf(action.lookup(\"verb\")) >= 0 &&", rule);
    }

    [Fact]
    public void Session_power_key_network_locale_and_time_are_the_original_s()
    {
        foreach (var (file, ours, original) in Session)
        {
            Assert.True(Lines(file).Contains(ours), $"{file}: '{ours}' (the original's {original}) missing");
        }
        Assert.Equal("/usr/share/zoneinfo/UTC", new FileInfo(Path.Combine(system, "etc/localtime")).LinkTarget);
        // systemd.targets.<sleep…>.enable = false: masked.
        foreach (var target in new[] { "sleep", "suspend", "hibernate", "hybrid-sleep" })
        {
            Assert.Equal("/dev/null", new FileInfo(Path.Combine(system, $"etc/systemd/system/{target}.target")).LinkTarget);
        }
    }

    private List<string> Lines(string relative) => [.. File.ReadAllLines(Path.Combine(system, relative))];

    private static void Run(string file, params string[] args)
    {
        var r = HostProgram.Run(file, args);
        Assert.True(r.ExitCode == 0, $"{file}: {r.Stderr}");
    }
}
