using QiTech.Os.Activation;
using QiTech.Os.Generations;
using QiTech.Os.Services;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Generations;

/// <summary>Activation driving a service manager that runs real processes.</summary>
public sealed class ServiceActivationTests : IDisposable
{
    private readonly SystemRoot _root = new();
    private readonly ProcessServiceManager _services;
    private readonly SystemManager _manager;

    public ServiceActivationTests()
    {
        _services = new ProcessServiceManager(_root.Layout);
        _manager = _root.Manager(_services);
    }

    public void Dispose()
    {
        _services.Dispose();
        _root.Dispose();
    }

    private static Dictionary<string, string> Sleepers(params (string Unit, int Seconds)[] units) =>
        units.ToDictionary(u => u.Unit, u => $"[Service]\nExecStart=/bin/sleep {u.Seconds}\n[Install]\nWantedBy=multi-user.target\n");

    private Task<ActivationResult> Switch(string system) =>
        _manager.ActivateAsync(ActivationMode.Switch, ActivationTarget.ParseStorePath(_root.Layout, system));

    [Fact]
    public async Task Unchanged_units_keep_running_changed_restart_removed_stop_new_start()
    {
        await Switch(_root.AddSystem("v1", units: Sleepers(("same.service", 1000), ("changed.service", 1000), ("gone.service", 1000))));
        var samePid = _services.Pid("same.service");
        var changedPid = _services.Pid("changed.service");
        _services.Calls.Clear();

        var result = await Switch(_root.AddSystem("v2", units: Sleepers(("same.service", 1000), ("changed.service", 2000), ("new.service", 1000))));

        Assert.True(result.Succeeded);
        Assert.Equal(["stop gone.service", "reload", "restart changed.service", "start new.service"], _services.Calls);
        Assert.Equal(samePid, _services.Pid("same.service"));
        Assert.NotEqual(changedPid, _services.Pid("changed.service"));
        Assert.Null(_services.Pid("gone.service"));
        Assert.NotNull(_services.Pid("new.service"));
    }

    [Fact]
    public async Task Switch_runs_the_enabled_units_a_boot_would_start_and_stops_one_no_longer_enabled()
    {
        var v1 = _root.AddSystem("v1", units: new Dictionary<string, string>
        {
            ["wanted.service"] = "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n",
            ["dropped.service"] = "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n",
            ["linked.service"] = "[Service]\nExecStart=/bin/sleep 1000\n",
            ["present.service"] = "[Service]\nExecStart=/bin/sleep 1000\n",
            ["cleared.service"] = "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\nWantedBy=\n",
        });
        await Switch(v1);
        var v1Calls = _services.Calls.ToList();
        _services.Calls.Clear();
        var v2 = _root.AddSystem("v2", units: new Dictionary<string, string>
        {
            ["wanted.service"] = "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n",
            ["dropped.service"] = "[Service]\nExecStart=/bin/sleep 1000\n",
            ["linked.service"] = "[Service]\nExecStart=/bin/sleep 1000\n",
            ["present.service"] = "[Service]\nExecStart=/bin/sleep 1000\n",
            ["cleared.service"] = "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\nWantedBy=\n",
            ["required.service"] = "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nRequiredBy=multi-user.target\n",
        }, etc: new Dictionary<string, string> { ["systemd/system/multi-user.target.wants/linked.service"] = "" });
        var dry = _root.Ok("dry-activate", "--system", v2);

        var result = await Switch(v2);

        Assert.Equal(["reload", "start dropped.service", "start wanted.service"], v1Calls);
        Assert.Equal(["stop dropped.service", "reload", "start linked.service", "start required.service"], _services.Calls);
        Assert.Equal(["linked.service", "required.service", "wanted.service"], await Running());
        Assert.Equal(["cleared.service", "dropped.service", "present.service"], result.Plan.NotEnabled);
        Assert.Contains("would leave stopped (not enabled): cleared.service dropped.service present.service\n", dry);
        // A boot of v2 (the embedded supervisor's rule) starts the same units.
        var boot = LoadedSystem.Load(new RootPathMapper(_root.Layout), v2);
        Assert.Equal(await Running(), boot.BootOrder());

        async Task<List<string>> Running() =>
            (await _services.StatusAsync(default)).Where(s => s.State == ServiceState.Running).Select(s => s.Name).Order().ToList();
    }

    [Fact]
    public async Task A_unit_that_fails_to_start_is_reported_with_its_log_and_the_version_before_runs_again()
    {
        var v1 = _root.AddSystem("v1", units: Sleepers(("app.service", 1000)));
        await Switch(v1);
        Directory.CreateDirectory(_root.Layout.LogDir);
        File.WriteAllLines(_root.Layout.LogDir + "/app.log", ["booting", "config error: port 3001 in use"]);

        var result = await Switch(_root.AddSystem("v2", units: new Dictionary<string, string>
        {
            ["app.service"] = "[Service]\nExecStart=/nonexistent/app --serve\n[Install]\nWantedBy=multi-user.target\n",
        }));

        var failure = Assert.Single(result.Failures);
        Assert.Equal(("app.service", "restart"), (failure.Unit, failure.Action));
        Assert.Contains("config error: port 3001 in use", failure.LastLogLines);
        Assert.False(result.Succeeded);
        Assert.Equal("version v2 (generation 2) did not start correctly; version v1 (generation 1) is running again", result.Rollback!.Message);
        Assert.StartsWith("app.service failed to restart: ", result.Rollback.Reason);
        Assert.Equal(new GenerationNumber(1), _manager.KnownGood());
        Assert.Equal(result.Rollback.Reason, _manager.Failed.All()[new GenerationNumber(2)]);
        Assert.NotNull(_services.Pid("app.service"));
        SystemInvariants.AssertRunning(_root, v1, bootDefault: true);
        Assert.Equal(["system-1-link", "system-2-link"], SystemInvariants.Generations(_root));
    }

    [Fact]
    public async Task Recovery_replays_the_journals_unit_changes()
    {
        var v1 = _root.AddSystem("v1", units: Sleepers(("a.service", 1000), ("b.service", 1000)));
        var v2 = _root.AddSystem("v2", units: Sleepers(("a.service", 1000), ("b.service", 2000), ("c.service", 1000)));
        await Switch(v1);
        var pidA = _services.Pid("a.service");
        // The journal as a switch writes it before its first change; the process then died.
        new ActivationJournal(ActivationMode.Switch, v2, 2, v1, [], ["c.service"], ["b.service"]).Save(_root.Layout);
        _services.Calls.Clear();

        Assert.True(await _manager.RecoverAsync());

        Assert.Equal(["reload", "restart b.service", "start c.service"], _services.Calls);
        Assert.Equal(pidA, _services.Pid("a.service"));
        SystemInvariants.AssertRunning(_root, v2, bootDefault: true);
    }

    [Fact]
    public async Task Embedded_boot_undoes_test_and_takes_a_boot_default()
    {
        var v1 = _root.AddSystem("v1");
        var v2 = _root.AddSystem("v2");
        var v3 = _root.AddSystem("v3");
        await Switch(v1);
        await _manager.ActivateAsync(ActivationMode.Test, ActivationTarget.ParseStorePath(_root.Layout, v2));

        var booted = await _manager.BootAsync();

        Assert.Equal(v1, booted!.LogicalPath);
        Assert.Equal(v1, _root.LinkTarget("/run/booted-system"));
        SystemInvariants.AssertRunning(_root, v1, bootDefault: true);

        await _manager.ActivateAsync(ActivationMode.Boot, ActivationTarget.ParseStorePath(_root.Layout, v3));
        booted = await _manager.BootAsync();

        Assert.Equal(v3, booted!.LogicalPath);
        SystemInvariants.AssertRunning(_root, v3, bootDefault: true);
        Assert.Equal(new GenerationNumber(2), _manager.State().Booted);
    }

    [Fact]
    public async Task A_one_shot_next_boot_is_used_once()
    {
        var v1 = _root.AddSystem("v1");
        var v2 = _root.AddSystem("v2");
        await Switch(v1);
        await Switch(v2);
        await _manager.SetNextBootAsync(new GenerationNumber(1));

        Assert.Equal(v1, (await _manager.BootAsync())!.LogicalPath);
        Assert.Equal(v2, (await _manager.BootAsync())!.LogicalPath);
    }

    [Fact]
    public async Task Retention_keeps_the_last_known_good_generation_beyond_the_last_k()
    {
        await Switch(_root.AddSystem("v1"));
        Assert.Equal(new GenerationNumber(1), _manager.KnownGood());
        var pointersOnly = _root.Manager();
        pointersOnly.Retention = new RetentionSettings(1);

        foreach (var label in new[] { "v2", "v3", "v4" })
        {
            await pointersOnly.ActivateAsync(ActivationMode.Switch, ActivationTarget.ParseStorePath(_root.Layout, _root.AddSystem(label)));
        }

        Assert.Equal(["system-1-link", "system-4-link"], SystemInvariants.Generations(_root));
    }
}
