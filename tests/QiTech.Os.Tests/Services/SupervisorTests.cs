using QiTech.Os.Activation;
using QiTech.Os.Platform;
using QiTech.Os.Services;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Services;

/// <summary>The embedded supervisor with real processes on a temporary root.</summary>
public sealed class SupervisorTests : IAsyncLifetime
{
    private readonly SystemRoot _root = new();
    private EmbeddedSupervisor _supervisor = null!;

    public Task InitializeAsync()
    {
        _supervisor = new EmbeddedSupervisor(_root.Layout, new SupervisorOptions { LogMaxBytes = 1024, LogKeep = 2 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _supervisor.DisposeAsync();
        foreach (var pid in RootProcesses.Of(_root.Root))
        {
            Platform.Posix.Kill(pid, Platform.Posix.SIGKILL);
        }
        _root.Dispose();
    }

    private void Load(Dictionary<string, string> units, string label = "v1") =>
        _supervisor.Load(_root.AddSystem(label, units));

    private async Task<ServiceStatus> Status(string unit) =>
        (await _supervisor.StatusAsync(CancellationToken.None)).Single(s => s.Name == unit);

    private string Log(string unit) => string.Join('\n', ServiceLogReader.Tail(_supervisor.LogPath(unit), 1000));

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException("never happened: " + what);
    }

    [Fact]
    public async Task A_service_gets_the_version_variables_its_environment_and_working_directory()
    {
        var workDirectory = _root.Physical("/var/lib/qitech/app");
        Directory.CreateDirectory(workDirectory);
        Directory.CreateDirectory(_root.Physical("/etc/qitech"));
        File.WriteAllText(_root.Physical("/etc/qitech/app.env"), "# settings\nFROM_FILE=\"file value\"\nOVERRIDE=file\n");
        Load(new()
        {
            ["app.service"] = """
                [Service]
                Type=oneshot
                Environment="GREETING=hello there" OVERRIDE=unit
                EnvironmentFile=/etc/qitech/app.env
                EnvironmentFile=-/etc/qitech/missing.env
                WorkingDirectory=/var/lib/qitech/app
                ExecStart=/bin/sh -c 'echo "os=$QITECH_OS label=$QITECH_OS_GIT_ABBREVIATION url=$QITECH_OS_GIT_URL"; echo "$GREETING|$FROM_FILE|$OVERRIDE"; echo "cwd=$(pwd)"'
                ExecStart=/bin/echo ${GREETING}
                """,
        });

        await _supervisor.StartAsync("app.service", CancellationToken.None);

        var log = Log("app.service");
        Assert.Contains("os=true label=v1 url=https://example.org/machine.git", log);
        Assert.Contains("hello there|file value|file", log);
        Assert.Contains("cwd=" + workDirectory, log);
        Assert.Contains(" hello there", log);
        Assert.Equal(ServiceState.Inactive, (await Status("app.service")).State);
    }

    [Fact]
    public async Task Store_paths_in_ExecStart_map_to_the_store_under_the_root()
    {
        var scripts = Path.Combine(Path.GetDirectoryName(_root.Root)!, "scripts");
        Directory.CreateDirectory(Path.Combine(scripts, "bin"));
        File.WriteAllText(Path.Combine(scripts, "bin", "run"), "#!/bin/sh\necho \"ran $0 with $1\"\n");
        File.SetUnixFileMode(Path.Combine(scripts, "bin", "run"), (UnixFileMode)Convert.ToInt32("755", 8));
        string script;
        using (var store = LocalStore.Open(_root.Layout))
        {
            script = store.Render(store.AddPath(scripts));
        }
        Load(new() { ["run.service"] = $"[Service]\nType=oneshot\nExecStart={script}/bin/run {script}/bin\n" });

        await _supervisor.StartAsync("run.service", CancellationToken.None);

        Assert.Contains($"ran {_root.Physical(script)}/bin/run with {_root.Physical(script)}/bin", Log("run.service"));
    }

    [Fact]
    public async Task StateDirectory_is_made_for_the_service_and_given_to_its_user()
    {
        Load(new()
        {
            ["state.service"] = "[Service]\nType=oneshot\nUser=nobody\nStateDirectory=app/data\nWorkingDirectory=/var/lib/app/data\n"
                + "ExecStart=/bin/sh -c 'echo \"in $(pwd) state $STATE_DIRECTORY\"'\n",
        });

        await _supervisor.StartAsync("state.service", CancellationToken.None);

        var directory = _root.Physical("/var/lib/app/data");
        Assert.Contains($"in {directory} state {directory}", Log("state.service"));
        // User= applies only when the supervisor is root (as the tests and CI run).
        var owner = Posix.GetEffectiveUserId() == 0 ? HostAccounts.FindUser("nobody")!.Uid : Posix.GetEffectiveUserId();
        Assert.Equal(owner, Posix.Stat(directory).Uid);
    }

    [Fact]
    public async Task Restart_on_failure_restarts_a_crashing_service_and_counts()
    {
        // It lives well past the start check (250 ms) even on a loaded machine, then crashes.
        Load(new() { ["crash.service"] = "[Service]\nExecStart=/bin/sh -c 'echo up; sleep 1.5; exit 3'\nRestart=on-failure\nRestartSec=50ms\n" });

        await _supervisor.StartAsync("crash.service", CancellationToken.None);
        await Until(async () => (await Status("crash.service")).Restarts >= 2, "two restarts");

        Assert.Contains("exited with status 3", Log("crash.service"));
        Assert.Contains("restarting in 0.05s (Restart=on-failure)", Log("crash.service"));
    }

    [Fact]
    public async Task A_crash_loop_ends_failed_at_the_start_limit()
    {
        Load(new() { ["loop.service"] = "[Service]\nExecStart=/bin/false\nRestart=always\nRestartSec=10ms\n" });

        // It dies at once: the start itself fails, and Restart=always keeps trying until the limit.
        await Assert.ThrowsAsync<ServiceStartException>(() => _supervisor.StartAsync("loop.service", CancellationToken.None));
        await Until(async () => (await Status("loop.service")).State == ServiceState.Failed, "failed");

        var status = await Status("loop.service");
        Assert.Equal(4, status.Restarts);
        Assert.Contains("start limit hit", status.LastError);
    }

    [Fact]
    public async Task A_start_asked_for_after_the_start_limit_runs_the_fixed_unit()
    {
        Load(new() { ["loop.service"] = "[Service]\nExecStart=/bin/false\nRestart=always\nRestartSec=10ms\n" });
        await Assert.ThrowsAsync<ServiceStartException>(() => _supervisor.StartAsync("loop.service", CancellationToken.None));
        await Until(async () => (await Status("loop.service")).State == ServiceState.Failed, "failed");

        // The next version fixes the unit: switching to it must not inherit the old crash count.
        Load(new() { ["loop.service"] = "[Service]\nExecStart=/bin/sleep 1000\nRestart=always\nRestartSec=10ms\n" });
        await _supervisor.StartAsync("loop.service", CancellationToken.None);

        Assert.Equal(ServiceState.Running, (await Status("loop.service")).State);
    }

    [Fact]
    public async Task Restart_no_leaves_a_failed_service_failed_and_a_clean_exit_inactive()
    {
        Load(new()
        {
            ["fails.service"] = "[Service]\nExecStart=/bin/sh -c 'exit 7'\n",
            ["ends.service"] = "[Service]\nExecStart=/bin/true\nRestart=on-failure\n",
            ["ignored.service"] = "[Service]\nExecStart=-/bin/false\nRestart=on-failure\n",
        });

        var failure = await Assert.ThrowsAsync<ServiceStartException>(() => _supervisor.StartAsync("fails.service", CancellationToken.None));
        await _supervisor.StartAsync("ends.service", CancellationToken.None);
        await _supervisor.StartAsync("ignored.service", CancellationToken.None);
        await Until(async () => (await _supervisor.StatusAsync(CancellationToken.None)).All(s => s.State is ServiceState.Inactive or ServiceState.Failed), "all ended");

        Assert.Equal("fails.service failed to start: exited with status 7", failure.Message);
        Assert.Contains(failure.LastLogLines, l => l.EndsWith("qitech-osd: exited with status 7"));
        Assert.Equal(ServiceState.Failed, (await Status("fails.service")).State);
        Assert.Equal("exited with status 7", (await Status("fails.service")).LastError);
        Assert.Equal((ServiceState.Inactive, 0), ((await Status("ends.service")).State, (await Status("ends.service")).Restarts));
        Assert.Equal((ServiceState.Inactive, 0), ((await Status("ignored.service")).State, (await Status("ignored.service")).Restarts));
    }

    [Fact]
    public async Task Stop_sends_SIGTERM_to_the_whole_group_and_nothing_is_left()
    {
        Load(new() { ["tree.service"] = "[Service]\nExecStart=/bin/sh -c 'sleep 1000 & sleep 1000 & wait'\n" });
        await _supervisor.StartAsync("tree.service", CancellationToken.None);
        await Until(() => Task.FromResult(RootProcesses.Of(_root.Root).Count == 3), "shell and two children");

        await _supervisor.StopAsync("tree.service", CancellationToken.None);

        Assert.Empty(RootProcesses.Of(_root.Root));
        Assert.Equal(ServiceState.Inactive, (await Status("tree.service")).State);
        Assert.DoesNotContain("SIGKILL", Log("tree.service"));
    }

    [Fact]
    public async Task A_service_that_ignores_SIGTERM_is_killed_after_TimeoutStopSec()
    {
        Load(new() { ["stubborn.service"] = "[Service]\nExecStart=/bin/sh -c 'trap \"echo got TERM\" TERM; echo ready; while :; do sleep 0.05; done'\nTimeoutStopSec=300ms\n" });
        await _supervisor.StartAsync("stubborn.service", CancellationToken.None);
        await Until(() => Task.FromResult(Log("stubborn.service").Contains("ready")), "ready");

        await _supervisor.StopAsync("stubborn.service", CancellationToken.None);

        var log = Log("stubborn.service");
        Assert.Contains("got TERM", log);
        Assert.Contains("still running after 0.3s, sending SIGKILL", log);
        Assert.Contains("stopped (status 137)", log);
        Assert.Empty(RootProcesses.Of(_root.Root));
    }

    [Fact]
    public async Task Logs_rotate_within_the_size_bound_keeping_the_newest_lines()
    {
        Load(new() { ["chatty.service"] = "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done'\n" });

        await _supervisor.StartAsync("chatty.service", CancellationToken.None);

        var path = _supervisor.LogPath("chatty.service");
        var files = RotatingLog.Files(path);
        Assert.Equal([path + ".2", path + ".1", path], files);
        Assert.False(File.Exists(path + ".3"));
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 1024));
        var tail = ServiceLogReader.Tail(path, 2);
        Assert.EndsWith("line-299", tail[0]);
        Assert.Contains("exited with status 0", tail[1]);
    }

    [Fact]
    public async Task Starting_a_unit_the_system_lacks_is_bad_input()
    {
        Load(new() { ["a.service"] = "[Service]\nExecStart=/bin/sleep 100\n" });

        var e = await Assert.ThrowsAsync<Errors.BadInputException>(() => _supervisor.StartAsync("nope.service", CancellationToken.None));

        Assert.Equal("nope.service: no such unit in the current system", e.Message);
    }

    [Fact]
    public async Task A_missing_program_fails_the_start_with_the_place()
    {
        Load(new() { ["ghost.service"] = "[Service]\nExecStart=/nonexistent/bin/ghost\n" });

        var e = await Assert.ThrowsAsync<ServiceStartException>(() => _supervisor.StartAsync("ghost.service", CancellationToken.None));

        Assert.Contains("ghost.service failed to start:", e.Message);
        Assert.Contains("etc/systemd/system/ghost.service:2: program '/nonexistent/bin/ghost' not found", e.Message);
        Assert.Equal(ServiceState.Failed, (await Status("ghost.service")).State);
    }

    [Fact]
    public async Task Boot_starts_enabled_units_in_After_order_only()
    {
        Load(new()
        {
            ["web.service"] = "[Unit]\nAfter=db.service\n[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo web >> %n.order'\nWorkingDirectory=/run\n[Install]\nWantedBy=multi-user.target\n",
            ["db.service"] = "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo db >> web.service.order'\nWorkingDirectory=/run\n[Install]\nWantedBy=multi-user.target\n",
            ["manual.service"] = "[Service]\nExecStart=/bin/sleep 100\n",
        });
        Directory.CreateDirectory(_root.Physical("/run"));

        var failures = await _supervisor.StartEnabledAsync(CancellationToken.None);

        Assert.Empty(failures);
        Assert.Equal("db\nweb\n", File.ReadAllText(_root.Physical("/run/web.service.order")));
        Assert.Equal(ServiceState.Inactive, (await Status("manual.service")).State);
        Assert.Empty(RootProcesses.Of(_root.Root));
    }
}
