using QiTech.Os.Activation;
using QiTech.Os.Cli.Operations;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Jobs;
using QiTech.Os.Services;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Daemon;

/// <summary>
/// The real CLI while the real daemon (embedded mode) runs on the root: system changes go
/// through the daemon, so its supervisor follows them.
/// </summary>
public sealed class CliThroughDaemonTests : IDisposable
{
    private const string Steady = "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n";
    private readonly SystemRoot _root = new();

    public void Dispose()
    {
        foreach (var pid in RootProcesses.Of(_root.Root))
        {
            Platform.Posix.Kill(pid, Platform.Posix.SIGKILL);
        }
        _root.Dispose();
    }

    /// <summary>app.service differs by label (in its environment), steady.service is the same everywhere.</summary>
    private string System(string label, string? manual = null)
    {
        var units = new Dictionary<string, string>
        {
            ["app.service"] = $"[Service]\nExecStart=/bin/sleep 1000\nEnvironment=LABEL={label}\n[Install]\nWantedBy=multi-user.target\n",
            ["steady.service"] = Steady,
        };
        if (manual != null)
        {
            units["manual.service"] = manual;
        }
        return _root.AddSystem(label, units);
    }

    private static ServiceJson Service(StatusJson status, string name) => status.Services.Single(s => s.Name == name);

    /// <summary>The status, and the LABEL in the running app's environment, read at the same moment.</summary>
    private static async Task<(StatusJson Status, string? AppLabel)> Observe(DaemonClient client)
    {
        var status = await client.StatusAsync();
        var environ = File.ReadAllText($"/proc/{Service(status, "app.service").Pid}/environ").Split('\0');
        return (status, environ.FirstOrDefault(v => v.StartsWith("LABEL=", StringComparison.Ordinal))?["LABEL=".Length..]);
    }

    private static async Task<JobJson> Finished(DaemonClient client, int jobId)
    {
        var job = await client.WaitForJobAsync(jobId, null);
        Assert.True(job.Succeeded, $"job {jobId} {job.State}: {job.Error}");
        return job;
    }

    private static async Task<List<JobKind>> JobKinds(DaemonClient client)
    {
        var kinds = new List<JobKind>();
        for (var id = 1; ; id++)
        {
            try
            {
                kinds.Add((await client.JobAsync(id)).Kind);
            }
            catch (DaemonException e) when (e.Status == 404)
            {
                return kinds;
            }
        }
    }

    [Fact]
    public async Task Switch_through_the_daemon_restarts_the_changed_service_keeps_the_unchanged_and_leaves_a_unit_that_is_not_enabled()
    {
        _root.Ok("switch", "--system", System("v1"));
        var v2 = System("v2", manual: "[Service]\nExecStart=/bin/sleep 1000\n");
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();
        var before = await client.StatusAsync();

        var r = _root.Cli("switch", "--system", v2);
        var (after, afterLabel) = await Observe(client);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("restarted: app.service\n", r.StdoutText);
        Assert.Contains("left running: steady.service\n", r.StdoutText);
        Assert.Contains($"generation 2 ({v2}) is current and the boot default\n", r.StdoutText);
        Assert.DoesNotContain("no service manager here", r.StdoutText);
        Assert.Contains("restart app.service", r.Stderr);
        Assert.Equal(_root.StorePathOf(v2), after.CurrentSystem);
        Assert.NotEqual(Service(before, "app.service").Pid, Service(after, "app.service").Pid);
        Assert.Equal("v2", afterLabel);
        Assert.Equal(Service(before, "steady.service").Pid, Service(after, "steady.service").Pid);
        Assert.Equal(ServiceState.Inactive, Service(after, "manual.service").State);
        Assert.Equal([JobKind.Switch], await JobKinds(client));
        SystemInvariants.AssertRunning(_root, v2, bootDefault: true);
    }

    [Fact]
    public async Task Switch_config_builds_here_and_the_daemon_activates_what_was_built()
    {
        _root.Ok("switch", "--system", System("v1"));
        using var dir = new TempDir("qitech-config");
        var file = dir.Combine("machine.yaml");
        File.WriteAllText(file, "system:\n  hostName: machine\nnetworking:\n  firewall:\n    enable: false\nsystemd:\n  services:\n    app:\n"
            + "      wantedBy: [multi-user.target]\n      serviceConfig:\n        ExecStart: /bin/sleep 1000\n        Environment: LABEL=built\n");
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();
        var built = _root.Ok("build", "--config", file).Trim();

        var r = _root.Cli("switch", "--config", file);
        var (status, label) = await Observe(client);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains($"generation 2 ({built}) is current and the boot default\n", r.StdoutText);
        Assert.Contains("stopped: steady.service\n", r.StdoutText);
        Assert.Equal((_root.StorePathOf(built), "built"), (status.CurrentSystem, label));
        Assert.Equal(ServiceState.Inactive, Service(status, "steady.service").State);
        Assert.Equal([JobKind.Switch], await JobKinds(client));
    }

    [Fact]
    public async Task A_gc_through_the_daemon_between_building_a_configuration_and_activating_it_keeps_the_built_system()
    {
        _root.Ok("switch", "--system", System("v1"));
        using var dir = new TempDir("qitech-config");
        var file = dir.Combine("machine.yaml");
        File.WriteAllText(file, "system:\n  hostName: held\nnetworking:\n  firewall:\n    enable: false\n");
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var operations = new DaemonSystemOperations(daemon.Client(), _root.Layout);

        // The steps of 'switch --config' through the daemon, with a collection between them.
        using var built = await operations.BuildAsync(file, default);
        var gc = await operations.CollectGarbageAsync(dryRun: false, default);
        var activation = await operations.ActivateAsync(ActivationMode.Switch, new ActivationTarget.Path(built.Path), rollBackOnFailure: true, default);

        Assert.DoesNotContain(built.Path, gc.Deleted);
        Assert.Equal((built.Path, 2), (activation.System, activation.Generation?.Value));
        Assert.Equal(built.Path, (await operations.StatusAsync(default)).CurrentSystem);
    }

    [Fact]
    public async Task Dry_activate_through_the_daemon_prints_its_plan_and_changes_nothing()
    {
        _root.Ok("switch", "--system", System("v1"));
        var v2 = System("v2");
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();
        var before = await client.StatusAsync();

        var output = _root.Ok("dry-activate", "--system", v2);
        var after = await client.StatusAsync();

        Assert.Contains("would restart: app.service", output);
        Assert.Contains("would leave running: steady.service", output);
        Assert.Equal(before.CurrentSystem, after.CurrentSystem);
        Assert.Equal(Service(before, "app.service").Pid, Service(after, "app.service").Pid);
        Assert.Empty(await JobKinds(client));
    }

    [Fact]
    public async Task Rollback_switch_to_a_generation_delete_and_gc_go_through_the_daemon()
    {
        var v1 = System("v1");
        var v2 = System("v2");
        var v3 = System("v3");
        _root.Ok("switch", "--system", v1);
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();
        _root.Ok("switch", "--system", v2);
        _root.Ok("switch", "--system", v3);

        var rollback = _root.Ok("switch", "--rollback");
        var (rolledBack, rolledBackLabel) = await Observe(client);
        var toOne = _root.Ok("switch", "--generation", "1");
        var (atOne, atOneLabel) = await Observe(client);
        var refused = _root.Cli("delete-generations", "1");
        var deleted = _root.Ok("delete-generations", "3");
        var gc = _root.Ok("store", "gc");

        Assert.Contains($"generation 2 ({v2}) is current and the boot default", rollback);
        Assert.Equal(_root.StorePathOf(v2), rolledBack.CurrentSystem);
        Assert.Equal("v2", rolledBackLabel);
        Assert.Contains($"generation 1 ({v1}) is current and the boot default", toOne);
        Assert.Equal((_root.StorePathOf(v1), 1), (atOne.CurrentSystem, atOne.BootDefault!.Number.Value));
        Assert.Equal("v1", atOneLabel);
        Assert.Equal(["system-1-link", "system-2-link"], SystemInvariants.Generations(_root));
        Assert.Equal((2, "error: refusing to delete generation 1: it is the current generation (switch to another first); nothing was deleted\n"), (refused.ExitCode, refused.Stderr));
        Assert.Equal("deleted generation 3\nrun 'qitech-os store gc' to free their store paths\n", deleted);
        Assert.Contains($"deleted {v3}\n", gc);
        Assert.Matches(@"\n[0-9]+ store paths deleted, .* freed\n$", gc);
        Assert.False(Directory.Exists(_root.Physical(v3)));
        // The refused deletion ran as a job too, and failed.
        Assert.Equal([JobKind.Switch, JobKind.Switch, JobKind.Rollback, JobKind.Switch, JobKind.DeleteGenerations, JobKind.DeleteGenerations, JobKind.Gc], await JobKinds(client));
        SystemInvariants.AssertRunning(_root, v1, bootDefault: true);
    }

    [Fact]
    public async Task Test_through_the_daemon_runs_now_and_a_reboot_reverts()
    {
        var v1 = System("v1");
        var v2 = System("v2");
        _root.Ok("switch", "--system", v1);
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();

        var test = _root.Ok("test", "--system", v2);
        var (tested, testedLabel) = await Observe(client);
        await Finished(client, await client.RebootAsync());
        var (rebooted, rebootedLabel) = await Observe(client);

        Assert.Contains($"{v2} is current until the next boot; the boot default is unchanged", test);
        Assert.Equal((_root.StorePathOf(v2), _root.StorePathOf(v1)), (tested.CurrentSystem, tested.BootedSystem));
        Assert.Equal("v2", testedLabel);
        Assert.Equal((_root.StorePathOf(v1), _root.StorePathOf(v1)), (rebooted.CurrentSystem, rebooted.BootedSystem));
        Assert.Equal("v1", rebootedLabel);
        Assert.Equal(["system-1-link"], SystemInvariants.Generations(_root));
    }

    [Fact]
    public async Task A_unit_failing_in_a_switch_through_the_daemon_fails_the_cli_naming_it_and_the_version_running_again()
    {
        var v1 = System("v1");
        _root.Ok("switch", "--system", v1);
        var broken = _root.AddSystem("v2", new Dictionary<string, string>
        {
            ["app.service"] = "[Service]\nExecStart=/bin/sh -c 'echo cannot open /etc/app.conf >&2; exit 1'\n[Install]\nWantedBy=multi-user.target\n",
            ["steady.service"] = Steady,
        });
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();

        var r = _root.Cli("switch", "--system", broken);
        var status = await client.StatusAsync();

        Assert.True(r.ExitCode == 1, r.Stderr);
        Assert.Contains("==> switch: failed\n", r.Stderr);
        Assert.Contains("==> roll back to v1\n", r.Stderr);
        Assert.Contains("error: version v2 (generation 2) did not start correctly; version v1 (generation 1) is running again\n  reason: app.service failed to restart: ", r.Stderr);
        Assert.DoesNotContain("failed to restart: app.service", r.Stderr); // the unit is named once
        Assert.Matches(@"\n  \| \S+ cannot open /etc/app\.conf\n", r.Stderr);
        Assert.EndsWith("  logs: qitech-os logs app.service\n", r.Stderr);
        Assert.Equal(_root.StorePathOf(v1), status.CurrentSystem);
        Assert.Equal(ServiceState.Running, Service(status, "app.service").State);
    }

    [Fact]
    public async Task Boot_once_takes_the_generation_at_the_next_boot_only()
    {
        var v1 = System("v1");
        var v2 = System("v2");
        _root.Ok("switch", "--system", v1);
        _root.Ok("switch", "--system", v2);
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();

        var once = _root.Ok("boot", "--generation", "1", "--once");
        var refused = _root.Cli("delete-generations", "1");
        await Finished(client, await client.RebootAsync());
        var (first, firstLabel) = await Observe(client);
        await Finished(client, await client.RebootAsync());
        var (second, secondLabel) = await Observe(client);

        Assert.StartsWith("generation 1 boots once at the next boot; then the boot default (generation 2) again\n", once);
        Assert.Contains("boot loader not told (no systemd-boot on this root)", once);
        Assert.Equal((2, "error: refusing to delete generation 1: it is the one-shot next boot (choose another first); nothing was deleted\n"), (refused.ExitCode, refused.Stderr));
        Assert.Equal((1, 1, 2), (first.Current!.Number.Value, first.Booted!.Number.Value, first.BootDefault!.Number.Value));
        Assert.Equal("v1", firstLabel);
        Assert.Equal((2, 2, 2), (second.Current!.Number.Value, second.Booted!.Number.Value, second.BootDefault!.Number.Value));
        Assert.Equal("v2", secondLabel);
    }

    [Fact]
    public async Task Bad_input_through_the_daemon_exits_2_and_changes_nothing()
    {
        _root.Ok("switch", "--system", System("v1"));
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();
        var before = _root.Snapshot();

        var unknown = _root.Cli("switch", "--generation", "9");
        var noPrevious = _root.Cli("switch", "--rollback");
        var onceWithoutGeneration = _root.Cli("boot", "--rollback", "--once");
        var onceUnknown = _root.Cli("boot", "--generation", "7", "--once");

        Assert.Equal((2, "error: generation 9 does not exist (generations: 1)\n"), (unknown.ExitCode, unknown.Stderr));
        Assert.Equal((2, "error: no generation before 1 to roll back to\n"), (noPrevious.ExitCode, noPrevious.Stderr));
        Assert.Equal((2, "error: boot: --once needs --generation N (an existing generation)\n"), (onceWithoutGeneration.ExitCode, onceWithoutGeneration.Stderr));
        Assert.Equal((2, "error: generation 7 does not exist\n"), (onceUnknown.ExitCode, onceUnknown.Stderr));
        Assert.Empty(await JobKinds(client));
        Assert.Equal(before, _root.Snapshot());
    }
}
