using QiTech.Os.Config;
using QiTech.Os.Services;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>
/// Hostile values in every generated format, read back by the real parser where one can run
/// here (systemd-analyze, systemd-sysusers, systemd's environment.d generator) and by the
/// embedded supervisor's UnitFileParser: each value is either read back exactly as written or
/// refused with exit code 2 at the option that holds it. Before, a trailing backslash in
/// ExecStart swallowed the next line (User=) and the service ran as root.
/// </summary>
public sealed class GeneratedFileEscapingTests : IDisposable
{
    /// <summary>Values that must reach a service exactly as written.</summary>
    private static readonly Dictionary<string, string> Hostile = new()
    {
        ["PERCENT"] = "50% of %n",
        ["QUOTES"] = "say \"hi\" and 'bye'",
        ["BACKSLASH"] = "C:\\temp\\",
        ["SHELL"] = "$HOME `id` ; reboot",
        ["EQUALS"] = "a=b=c",
        ["SPACES"] = " padded  value ",
    };

    private readonly ConfigFiles config = new();
    private readonly TempDir temp = new("qitech-escape");

    private static string Yaml(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    [Fact]
    public void A_trailing_backslash_in_ExecStart_is_refused_instead_of_joining_User()
    {
        var file = config.Write("main.yaml", "systemd:\n  services:\n    worker:\n      serviceConfig:\n        ExecStart: '/bin/true \\'\n        User: nobody\n");

        Assert.Equal("{dir}/main.yaml:5:9: systemd.services.worker.serviceConfig.ExecStart: setting ExecStart ends with a backslash, which would join the next line to it",
            config.Error());
        var cli = OurCli.Run("--root", temp.Combine("root"), "build", "--config", file);
        Assert.Equal(2, cli.ExitCode);
        config.Write("main.yaml", "systemd:\n  services:\n    worker:\n      serviceConfig:\n        ExecStart: '/bin/true \\\\'\n        User: nobody\n");
        Assert.Contains("ExecStart=/bin/true \\\\\nUser=nobody\n", config.Render().ReadText("etc/systemd/system/worker.service"), StringComparison.Ordinal);
    }

    [FactNeeding("systemd-analyze")]
    public void The_supervisor_joins_lines_exactly_where_systemd_does()
    {
        foreach (var (ending, joined) in new[] { ("\\", true), ("\\\\", false), ("\\\\\\", true), ("\\ ", false) })
        {
            var text = $"[Service]\nExecStart=/bin/true\nX-Probe=x{ending}\nUser=nobody\n";
            var unitFile = temp.Combine("probe.service");
            File.WriteAllText(unitFile, text);
            var security = HostProgram.Run("systemd-analyze", ["security", "--offline=yes", "--no-pager", unitFile]);
            var systemdRunsAsRoot = security.StdoutText.Contains("Service runs as root user", StringComparison.Ordinal);

            var unit = UnitFileParser.Parse("probe.service", text, unitFile);

            Assert.True(joined == systemdRunsAsRoot, $"ending {ending}: systemd-analyze says {(systemdRunsAsRoot ? "root" : "nobody")}:\n{security.StdoutText}");
            Assert.Equal(joined ? null : "nobody", unit.User);
        }
    }

    [FactNeeding("systemd-analyze")]
    public void Service_environment_values_read_back_exactly_and_systemd_accepts_them()
    {
        config.Write("main.yaml", "systemd:\n  services:\n    hostile:\n      serviceConfig:\n        ExecStart: /bin/true\n      environment:\n"
            + string.Concat(Hostile.Select(kv => $"        {kv.Key}: {Yaml(kv.Value)}\n")));
        var text = config.Render().ReadText("etc/systemd/system/hostile.service")!;
        var unitFile = temp.Combine("hostile.service");
        File.WriteAllText(unitFile, text);

        var verify = HostProgram.Run("systemd-analyze", ["verify", "--man=no", unitFile]);
        var unit = UnitFileParser.Parse("hostile.service", text, unitFile);

        Assert.True(verify.ExitCode == 0 && verify.Stderr.Length == 0, verify.Stderr + "\n" + text);
        Assert.Equal(Hostile.OrderBy(kv => kv.Key, StringComparer.Ordinal), unit.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "systemd:\n  services:\n    w:\n      serviceConfig: { ExecStart: /bin/true }\n      environment:\n        \"A=B\": x\n",
            "{dir}/main.yaml:6:9: systemd.services.w.environment.\"A=B\": assertion failed: 'A=B' is not a valid variable name" },
        { "services:\n  qitech:\n    environment:\n      \"PATH=/tmp:$PATH X\": 1\n",
            "{dir}/main.yaml:4:7: services.qitech.environment.\"PATH=/tmp:$PATH X\": assertion failed: 'PATH=/tmp:$PATH X' is not a valid variable name" },
        { "systemd:\n  services:\n    w:\n      serviceConfig: { ExecStart: /bin/true }\n      environment:\n        A: \"bell\\a\"\n",
            "{dir}/main.yaml:6:9: systemd.services.w.environment.A: the value holds a control character (U+0007)" },
        { "systemd:\n  services:\n    w:\n      serviceConfig:\n        ExecStart: /bin/true\n        \"User=root\\nX\": y\n",
            "{dir}/main.yaml:6:9: systemd.services.w.serviceConfig.\"User=root\\u000AX\": 'User=root\\u000AX' is not a setting name (letters, digits, '-' and '_')" },
        { "systemd:\n  services:\n    w:\n      description: \"ok\\rExecStartPre=/bin/sh\"\n      serviceConfig: { ExecStart: /bin/true }\n",
            "{dir}/main.yaml:4:20: systemd.services.w.description: setting Description must be one line" },
        { "systemd:\n  services:\n    w:\n      serviceConfig: { ExecStart: /bin/true }\n      unitConfig: { Documentation: 'man:x \\' }\n",
            "{dir}/main.yaml:5:21: systemd.services.w.unitConfig.Documentation: setting Documentation ends with a backslash, which would join the next line to it" },
        { "services:\n  logind:\n    settings:\n      \"Login]\\n[Other\": { A: b }\n",
            "{dir}/main.yaml:4:7: services.logind.settings.\"Login]\\u000A[Other\": 'Login]\\u000A[Other' is not a section name (letters, digits, '-' and '_')" },
        { "services:\n  logind:\n    settings:\n      Login: { HandleLidSwitch: 'ignore \\' }\n",
            "{dir}/main.yaml:4:16: services.logind.settings.Login.HandleLidSwitch: setting HandleLidSwitch ends with a backslash, which would join the next line to it" },
        { "environment:\n  variables:\n    COLOR: \"#fff\"\n",
            "{dir}/main.yaml:3:5: environment.variables.COLOR: a variable cannot hold '#': /etc/environment has no escape for it" },
        { "environment:\n  variables:\n    P: \"$PATH:/opt\"\n",
            "{dir}/main.yaml:3:5: environment.variables.P: a variable cannot hold '$': /etc/environment has no escape for it" },
        { "users:\n  users:\n    anna:\n      isNormalUser: true\n      description: \"Anna:0:0:root\"\n",
            "{dir}/main.yaml:5:20: users.users.anna.description: a passwd field cannot hold ':' or control characters" },
        { "users:\n  users:\n    anna:\n      isNormalUser: true\n      home: \"/home/a:b\"\n",
            "{dir}/main.yaml:5:13: users.users.anna.home: a passwd field cannot hold ':' or control characters" },
        { "boot:\n  kernel:\n    sysctl:\n      vm.swappiness: \"10\\u001b[2J\"\n",
            "{dir}/main.yaml:4:7: boot.kernel.sysctl.\"vm.swappiness\": a sysctl value must be one line without control characters" },
        { "systemd:\n  tmpfiles:\n    rules: [\"d /run/x 0755 root root -\\rr /etc/shadow\"]\n",
            "{dir}/main.yaml:3:13: systemd.tmpfiles.rules.0: a tmpfiles rule must be one line without control characters" },
        { "services:\n  udev:\n    extraRules: \"SUBSYSTEM==\\\"tty\\\"\\u0000, MODE=\\\"0666\\\"\"\n",
            "{dir}/main.yaml:3:17: services.udev.extraRules: udev rules cannot hold a control character (U+0000)" },
        { "boot:\n  kernelParams: [\"quiet\\u0001\"]\n",
            "{dir}/main.yaml:2:18: boot.kernelParams.0: expected kernel parameter (no spaces or quotes), got string 'quiet\u0001'" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Values_without_a_faithful_form_are_refused_at_their_option(string yaml, string expected)
    {
        config.Write("main.yaml", yaml);

        Assert.Equal(expected, config.Error());
    }

    [Fact]
    public void Manager_environment_is_quoted_without_doubling_percent_signs()
    {
        var values = Hostile.Where(kv => QiTech.Os.Config.Modules.EnvironmentModule.LoginSessionProblem(kv.Value) == null).ToList();
        Assert.Contains(values, kv => kv.Value.Contains('%'));
        config.Write("main.yaml", "environment:\n  variables:\n" + string.Concat(values.Select(kv => $"    {kv.Key}: {Yaml(kv.Value)}\n")));
        var text = config.Render().ReadText("etc/systemd/system.conf.d/qitech-environment.conf")!;

        var read = text.Split('\n').Where(l => l.StartsWith("DefaultEnvironment=", StringComparison.Ordinal))
            .SelectMany(l => EnvironmentAssignments.ParseDirective(l["DefaultEnvironment=".Length..], out var cause) is var pairs && cause == null ? pairs : throw new InvalidOperationException(cause));

        Assert.Equal(values.OrderBy(kv => kv.Key, StringComparer.Ordinal), read.Where(kv => !kv.Key.StartsWith("QITECH_OS", StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Contains("DefaultEnvironment=\"PERCENT=50% of %n\"\n", text, StringComparison.Ordinal);
    }

    [FactNeeding("/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator")]
    public void Login_environment_reads_back_exactly_through_systemd_s_environment_d()
    {
        var values = Hostile.Where(kv => QiTech.Os.Config.Modules.EnvironmentModule.LoginSessionProblem(kv.Value) == null).Append(new("TICKS", "a `b` \"c\" \\d")).ToList();
        config.Write("main.yaml", "environment:\n  variables:\n" + string.Concat(values.Select(kv => $"    {kv.Key}: {Yaml(kv.Value)}\n")));
        var environmentD = temp.Combine("xdg", "environment.d");
        Directory.CreateDirectory(environmentD);
        File.WriteAllText(Path.Combine(environmentD, "50-qitech.conf"), config.Render().ReadText("etc/environment"));

        var generator = HostProgram.Run("env", ["-i", "XDG_CONFIG_HOME=" + temp.Combine("xdg"), "XDG_CONFIG_DIRS=/nonexistent",
            "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator"]);

        Assert.True(generator.ExitCode == 0, generator.Stderr);
        var read = generator.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ShellAssignment).ToDictionary();
        Assert.All(values, kv => Assert.Equal(kv.Value, read[kv.Key]));
    }

    [FactNeeding("systemd-sysusers")]
    public void A_hostile_description_reaches_passwd_exactly()
    {
        const string description = "Anna \"the boss\" O'Brien \\ 100% %n";
        config.Write("main.yaml", $"users:\n  users:\n    anna:\n      isNormalUser: true\n      description: {Yaml(description)}\n");
        var root = temp.Combine("sysroot");
        Directory.CreateDirectory(Path.Combine(root, "etc", "sysusers.d"));
        File.WriteAllText(Path.Combine(root, "etc", "sysusers.d", "qitech.conf"), config.Render().ReadText("etc/sysusers.d/qitech.conf"));

        var sysusers = HostProgram.Run("systemd-sysusers", ["--root=" + root]);

        Assert.True(sysusers.ExitCode == 0, sysusers.Stderr);
        Assert.Contains($"anna:x:1000:1000:{description}:/home/anna:/bin/bash", File.ReadAllLines(Path.Combine(root, "etc", "passwd")));
    }

    [Fact]
    public void The_kiosk_url_keeps_its_percent_signs()
    {
        config.Write("main.yaml", "users:\n  users:\n    qitech: { isNormalUser: true }\nkiosk:\n  enable: true\n  url: http://localhost:3001/a%20b\n  browserFlags: [--lang=de%1]\n");
        var text = config.Render().ReadText("etc/systemd/system/qitech-kiosk.service")!;

        var unit = UnitFileParser.Parse("qitech-kiosk.service", text, "qitech-kiosk.service");

        var command = Assert.Single(unit.ExecStart).CommandLine;
        Assert.Contains("--lang=de%1 'file:///etc/qitech/kiosk-start.html#http://localhost:3001/a%20b?keyboard=on'", command, StringComparison.Ordinal);
    }

    /// <summary>KEY=value as the generator prints it: plain, or double-quoted with backslash escapes.</summary>
    private static KeyValuePair<string, string> ShellAssignment(string line)
    {
        var eq = line.IndexOf('=');
        var value = line[(eq + 1)..];
        if (value.StartsWith('"'))
        {
            var sb = new System.Text.StringBuilder();
            for (var i = 1; i < value.Length - 1; i++)
            {
                sb.Append(value[i] == '\\' ? value[++i] : value[i]);
            }
            value = sb.ToString();
        }
        return new(line[..eq], value);
    }

    public void Dispose()
    {
        config.Dispose();
        temp.Dispose();
    }
}
