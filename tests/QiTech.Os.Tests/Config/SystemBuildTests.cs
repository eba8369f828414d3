using System.Text.Json;
using QiTech.Os.Config;
using QiTech.Os.Nar;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Sources;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>The example configuration built into a store: what the closure holds, and that it is reproducible.</summary>
public sealed class SystemBuildTests
{
    [Fact]
    public void Two_clones_in_different_folders_build_the_same_system_byte_for_byte()
    {
        using var temp = new TempDir();
        var source = temp.Combine("source");
        ExampleConfiguration.CopyTo(Path.Combine(source, "configuration"));
        var commit = GitRepo.CommitAll(source);
        GitRepo.Run(temp.Path, "clone", "-q", source, temp.Combine("clone-a"));
        Directory.CreateDirectory(temp.Combine("elsewhere", "deeper"));
        GitRepo.Run(temp.Path, "clone", "-q", source, temp.Combine("elsewhere", "deeper", "clone-b"));

        var a = BuildWithCli(temp.Combine("root-a"), temp.Combine("clone-a", "configuration", "machine.yaml"));
        var b = BuildWithCli(temp.Combine("root-b"), temp.Combine("elsewhere", "deeper", "clone-b", "configuration", "machine.yaml"));

        Assert.Equal(a, b);
        var physicalA = temp.Combine("root-a") + a;
        var physicalB = temp.Combine("root-b") + b;
        Assert.Equal(NarHasher.HashPath(physicalA).Hash, NarHasher.HashPath(physicalB).Hash);
        var release = File.ReadAllText(Path.Combine(physicalA, "qitech-os-release"));
        Assert.Equal(
            $"QITECH_OS=true\nQITECH_OS_GIT_TIMESTAMP=2026-01-02T03:04:05+01:00\nQITECH_OS_GIT_COMMIT={commit}\nQITECH_OS_GIT_ABBREVIATION=main\nQITECH_OS_GIT_URL={source}\n",
            release);
        Assert.DoesNotContain(temp.Path, File.ReadAllText(Path.Combine(physicalA, "configuration.json")).Replace(source, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void A_branch_name_that_etc_environment_cannot_hold_still_builds_and_services_keep_it()
    {
        using var temp = new TempDir();
        using var store = LocalStore.Open(new SystemLayout(temp.Path, new StoreDirectory(StoreDirectory.Default)));
        var version = new VersionInfo("2026-01-02T03:04:05+01:00", new string('a', 40), "fix/#42-$x", "https://example.com/control.git");

        var system = SystemBuilder.Build(ExampleConfiguration.CopyTo(temp.Combine("config")), version, store);

        var root = store.PhysicalPath(system);
        Assert.DoesNotContain("QITECH_OS_GIT_ABBREVIATION", File.ReadAllText(Path.Combine(root, "etc/environment")), StringComparison.Ordinal);
        Assert.Contains("QITECH_OS_GIT_COMMIT", File.ReadAllText(Path.Combine(root, "etc/environment")), StringComparison.Ordinal);
        Assert.Equal("fix/#42-$x", QiTech.Os.Generations.SystemClosure.Open(store.Layout, system).Version().Abbreviation);
        Assert.Contains("QITECH_OS_GIT_ABBREVIATION=fix/#42-$x", File.ReadAllText(Path.Combine(root, "etc/systemd/system/qitech-control-server.service")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_closure_holds_etc_sw_kernel_params_release_and_configuration()
    {
        using var temp = new TempDir();
        using var store = LocalStore.Open(new SystemLayout(temp.Path, new StoreDirectory(StoreDirectory.Default)));
        var version = new VersionInfo("2026-01-02T03:04:05+01:00", new string('a', 40), "v1.2.0", "https://example.com/control.git");
        var system = SystemBuilder.Build(ExampleConfiguration.CopyTo(temp.Combine("config")), version, store);
        var root = store.PhysicalPath(system);

        Assert.Equal("qitech-os-system-qitech", system.Name);
        Assert.Equal("preempt=full logo.nologo mitigations=off intel_pstate=performance transparent_hugepage=always nmi_watchdog=0 pcie_aspm=off intel_iommu=off "
            + "panic=10 oops=panic usbcore.autosuspend=-1 isolcpus=2,3 nohz_full=2,3 rcu_nocbs=2,3 threadirqs cpufreq.default_governor=performance consoleblank=0\n",
            File.ReadAllText(Path.Combine(root, "kernel-params")));
        Assert.True(ReleaseFile.TryParse(File.ReadAllText(Path.Combine(root, ReleaseFile.FileName)), out var read));
        Assert.Equal(version, read);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "configuration.json")));
        Assert.Equal(3001, json.RootElement.GetProperty("services").GetProperty("qitech").GetProperty("port").GetInt32());

        var server = File.ResolveLinkTarget(Path.Combine(root, "sw", "qitech-control-server"), false)!.ToString();
        Assert.True(store.Layout.StoreDir.TryParse(server, out var serverPath, out _));
        Assert.True(store.IsValid(serverPath));
        Assert.Contains(serverPath, store.QueryPathInfo(system)!.References);
        Assert.Equal(server + "/bin/qitech-control-server", File.ResolveLinkTarget(Path.Combine(root, "sw", "bin", "qitech-control-server"), false)!.ToString());
        Assert.Equal("/dev/null", File.ResolveLinkTarget(Path.Combine(root, "etc/systemd/system/suspend.target"), false)!.ToString());

        var unit = File.ReadAllText(Path.Combine(root, "etc/systemd/system/qitech-control-server.service"));
        foreach (var line in new[]
        {
            $"ExecStart={server}/bin/qitech-control-server", "User=qitech-service", "Environment=\"ControlServer__Port=3001\"",
            "CapabilityBoundingSet=CAP_NET_RAW CAP_IPC_LOCK CAP_NET_ADMIN CAP_SYS_NICE CAP_DAC_OVERRIDE CAP_NET_BIND_SERVICE",
            "AmbientCapabilities=CAP_NET_RAW CAP_IPC_LOCK CAP_NET_ADMIN CAP_SYS_NICE CAP_DAC_OVERRIDE CAP_NET_BIND_SERVICE",
            "Environment=\"QITECH_OS_GIT_ABBREVIATION=v1.2.0\"", "NoNewPrivileges=true", "ProtectSystem=strict", "StateDirectory=qitech-control-server", "Restart=always", "LimitRTPRIO=99",
        })
        {
            Assert.Contains(line + "\n", unit, StringComparison.Ordinal);
        }
        Assert.Contains("DefaultEnvironment=\"QITECH_OS_GIT_ABBREVIATION=v1.2.0\"\n", File.ReadAllText(Path.Combine(root, "etc/systemd/system.conf.d/qitech-environment.conf")), StringComparison.Ordinal);
        Assert.Contains("@realtime - rtprio 99\n@realtime - memlock unlimited\n@realtime - nice -20\n", File.ReadAllText(Path.Combine(root, "etc/security/limits.d/90-qitech.conf")), StringComparison.Ordinal);

        // Activation reads the same closure.
        var closure = QiTech.Os.Generations.SystemClosure.Open(store.Layout, system);
        Assert.Equal("v1.2.0", closure.Version().Abbreviation);
        Assert.Equal(["cpufreq.service", "qitech-control-server-certificate.service", "qitech-control-server.service", "qitech-firewall.service", "qitech-kiosk.service"],
            closure.Units().Keys);
    }

    [Fact]
    public void A_new_version_restarts_the_server_and_leaves_the_other_units_running()
    {
        using var temp = new TempDir();
        using var store = LocalStore.Open(new SystemLayout(temp.Path, new StoreDirectory(StoreDirectory.Default)));
        var config = ExampleConfiguration.CopyTo(temp.Combine("config"));
        var v1 = SystemBuilder.Build(config, new VersionInfo("2026-01-02T03:04:05+01:00", new string('a', 40), "v1", "https://example.com/control.git"), store);
        var v2 = SystemBuilder.Build(config, new VersionInfo("2026-01-03T03:04:05+01:00", new string('b', 40), "v2", "https://example.com/control.git"), store);

        var plan = QiTech.Os.Activation.ActivationPlan.Compute(
            QiTech.Os.Generations.SystemClosure.Open(store.Layout, v1), QiTech.Os.Generations.SystemClosure.Open(store.Layout, v2));

        Assert.Equal(["qitech-control-server.service"], plan.Restart);
        Assert.Contains("qitech-kiosk.service", plan.Unchanged);
        Assert.Empty(plan.Start);
        Assert.Empty(plan.Stop);
    }

    [Fact]
    public void Changing_one_option_changes_only_the_files_it_concerns()
    {
        using var config = new ConfigFiles();
        var example = ExampleConfiguration.CopyTo(config.PathOf("example"));
        config.Write("main.yaml", $"imports: ['{example}']\n");
        var before = config.Render();
        config.Write("main.yaml", $"imports: ['{example}']\nboot:\n  kernel:\n    sysctl:\n      vm.swappiness: !force 60\n");
        var after = config.Render();

        Assert.Equal(before.Paths, after.Paths);
        var changed = before.Paths.Where(p => before.ReadText(p) != after.ReadText(p)).ToList();
        Assert.Equal(["configuration.json", "etc/sysctl.d/60-qitech.conf"], changed);
        Assert.Contains("vm.swappiness = 60\n", after.ReadText("etc/sysctl.d/60-qitech.conf"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_configuration_exits_2_with_one_line_and_stores_nothing()
    {
        using var temp = new TempDir();
        var dir = temp.Combine("config");
        ExampleConfiguration.CopyTo(dir);
        var kiosk = Path.Combine(dir, "modules", "kiosk.yaml");
        File.WriteAllText(kiosk, File.ReadAllText(kiosk).Replace("user: qitech", "user: operator", StringComparison.Ordinal));
        var root = temp.Combine("root");

        var r = OurCli.Run("--root", root, "build", "--config", Path.Combine(dir, "machine.yaml"));

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {dir}/modules/kiosk.yaml:5:9: kiosk.user: assertion failed: kiosk user 'operator' must be a normal user in users.users\n", r.Stderr);
        Assert.Empty(r.StdoutText);
        using var store = LocalStore.Open(new SystemLayout(root, new StoreDirectory(StoreDirectory.Default)));
        Assert.Empty(store.AllValidPaths());
    }

    [Fact]
    public void The_url_of_the_source_never_carries_credentials()
    {
        Assert.Equal("https://github.com/qitechgmbh/control", VersionInfo.WithoutCredentials("https://x-access-token:ghp_secret@github.com/qitechgmbh/control"));
        Assert.Equal("https://github.com/a/b.git", VersionInfo.WithoutCredentials("https://github.com/a/b.git"));
        Assert.Equal("git@github.com:a/b.git", VersionInfo.WithoutCredentials("git@github.com:a/b.git"));
    }

    [Fact]
    public void A_configuration_outside_git_builds_with_unknown_version()
    {
        using var temp = new TempDir();
        var dir = temp.Combine("config");
        ExampleConfiguration.CopyTo(dir);
        var path = BuildWithCli(temp.Combine("root"), Path.Combine(dir, "machine.yaml"));
        Assert.Contains("QITECH_OS_GIT_COMMIT=unknown\n", File.ReadAllText(temp.Combine("root") + path + "/qitech-os-release"), StringComparison.Ordinal);
    }

    private static string BuildWithCli(string root, string config)
    {
        var r = OurCli.Run("--root", root, "build", "--config", config);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var last = r.StdoutText.TrimEnd('\n').Split('\n')[^1];
        Assert.StartsWith("/qitech/store/", last, StringComparison.Ordinal);
        return last;
    }
}
