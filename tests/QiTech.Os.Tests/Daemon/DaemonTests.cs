using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Health;
using QiTech.Os.Services;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Daemon;

/// <summary>The real qitech-osd process in embedded mode on a temporary root, driven over its socket.</summary>
public sealed class DaemonTests : IDisposable
{
    private readonly SystemRoot _root = new();

    public void Dispose()
    {
        foreach (var pid in RootProcesses.Of(_root.Root))
        {
            Platform.Posix.Kill(pid, Platform.Posix.SIGKILL);
        }
        _root.Dispose();
    }

    /// <summary>app.service prints its version label and runs until stopped.</summary>
    private static Dictionary<string, string> Units(string label, string? extra = null)
    {
        var units = new Dictionary<string, string>
        {
            ["app.service"] = "[Unit]\nDescription=The app\n[Service]\nExecStart=/bin/sh -c 'echo \"$QITECH_OS_GIT_ABBREVIATION running\"; exec sleep 1000'\n"
                + $"Environment=LABEL={label}\n[Install]\nWantedBy=multi-user.target\n",
        };
        if (extra != null)
        {
            units["extra.service"] = extra;
        }
        return units;
    }

    private string LastLog(string unit) => File.ReadLines(_root.Physical($"/var/log/qitech/{unit}.log")).Last();

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException("never happened: " + what);
    }

    private static async Task<JobJson> Finished(DaemonClient client, int jobId)
    {
        var job = await client.WaitForJobAsync(jobId, null);
        Assert.True(job.Succeeded, $"job {jobId} {job.State}: {job.Error}");
        return job;
    }

    [Fact]
    public async Task Boots_the_default_generation_and_reports_it_over_the_socket_and_the_cli()
    {
        var v1 = _root.AddSystem("v1", Units("v1"));
        _root.Ok("switch", "--system", v1);
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();

        var status = await client.StatusAsync();

        Assert.True(status.Embedded);
        Assert.Equal((1, 1, 1), (status.Current!.Number.Value, status.Booted!.Number.Value, status.BootDefault!.Number.Value));
        Assert.Equal("v1", status.Current.Version.Abbreviation);
        var app = Assert.Single(status.Services);
        Assert.Equal(("app.service", ServiceState.Running, 0), (app.Name, app.State, app.Restarts));
        Assert.True(app.Pid > 0);
        Assert.Equal(v1, _root.LinkTarget("/run/booted-system"));
        SystemInvariants.AssertRunning(_root, v1, bootDefault: true);
        await Until(() => Task.FromResult(LastLog("app.service").EndsWith(" v1 running")), "app logs its version");

        var cli = _root.Ok("status");
        Assert.Contains("current:      generation 1 (v1, ", cli);
        Assert.Matches($@"app\.service\s+running\s+{app.Pid}\s", cli);
        Assert.EndsWith(" v1 running\n", _root.Ok("logs", "app", "-n", "1"));
    }

    [Fact]
    public void Started_in_the_root_folder_it_watches_no_files()
    {
        // Configuration reload on the working directory "/" once added an inotify watch for
        // every folder of the machine: all root may have, so dnsmasq and systemd got none.
        using var daemon = DaemonProcess.Start(_root.Layout);
        var watches = Directory.EnumerateFiles($"/proc/{daemon.Pid}/fdinfo")
            .Sum(f => { try { return File.ReadLines(f).Count(l => l.StartsWith("inotify", StringComparison.Ordinal)); } catch (IOException) { return 0; } });
        Assert.True(watches <= 8, $"the daemon holds {watches} inotify watches");
    }

    [Fact]
    public async Task Log_follow_streams_new_lines_and_a_restart_gets_a_new_pid()
    {
        _root.Ok("switch", "--system", _root.AddSystem("v1", Units("v1")));
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();
        await Until(() => Task.FromResult(LastLog("app.service").EndsWith(" v1 running")), "app logs its version");
        var before = (await client.StatusAsync()).Services.Single().Pid;
        using var stop = new CancellationTokenSource();
        var followed = new List<string>();
        var following = new TaskCompletionSource();
        var follow = Task.Run(async () =>
        {
            await foreach (var line in client.FollowLogsAsync("app.service", 1, stop.Token))
            {
                followed.Add(line);
                following.TrySetResult();
                if (line.EndsWith(" v1 running") && followed.Count > 1)
                {
                    return;
                }
            }
        });

        await following.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await client.RestartServiceAsync("app");
        await follow.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.EndsWith(" v1 running", followed[0]);
        Assert.Contains(followed, l => l.Contains("qitech-osd: stopping (SIGTERM"));
        var after = (await client.StatusAsync()).Services.Single();
        Assert.Equal(ServiceState.Running, after.State);
        Assert.NotEqual(before, after.Pid);
    }

    [Fact]
    public async Task A_second_change_while_a_job_runs_gets_409_naming_that_job()
    {
        _root.Ok("switch", "--system", _root.AddSystem("v1", Units("v1")));
        // extra.service (a oneshot) finishes only when the test drops a file: the switch job waits for it.
        var v2 = _root.AddSystem("v2", Units("v2", "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'while [ ! -e \"$QITECH_ROOT/release\" ]; do sleep 0.05; done'\n[Install]\nWantedBy=multi-user.target\n"));
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();

        var jobId = await client.ActivateAsync(ActivationMode.Switch, _root.StorePathOf(v2), null);
        var busy = await Assert.ThrowsAsync<DaemonException>(() => client.RollbackAsync(ActivationMode.Switch));
        var busyReboot = await Assert.ThrowsAsync<DaemonException>(() => client.RebootAsync());
        var running = await client.JobAsync(jobId);
        File.WriteAllText(_root.Physical("/release"), "");
        var job = await Finished(client, jobId);

        Assert.Equal((409, jobId), (busy.Status, busy.RunningJobId));
        Assert.Equal($"job {jobId} (switch) is running", busy.Message);
        Assert.Equal(409, busyReboot.Status);
        Assert.Equal(JobState.Running, running.State);
        Assert.Equal(2, job.Result!.Value.GetProperty("generation").GetInt32());
        Assert.Equal(_root.StorePathOf(v2), (await client.StatusAsync()).CurrentSystem);
    }

    [Fact]
    public async Task A_peer_outside_the_group_may_read_but_not_change_and_a_member_may()
    {
        _root.Ok("switch", "--system", _root.AddSystem("v1", Units("v1")));
        var socket = _root.Layout.DaemonSocket;
        string AsNobody(params string[] curl) => HostProgram.Run("setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", "curl", "-s", "-w", "\n%{http_code}", "--unix-socket", socket, .. curl]).StdoutText;

        using (var daemon = DaemonProcess.Start(_root.Layout))
        {
            var before = (_root.LinkTarget("/run/current-system"), _root.LinkTarget("/qitech/profiles/system"), string.Join(',', SystemInvariants.Generations(_root)));

            var read = AsNobody("http://qitech-osd/v1/status");
            var reboot = AsNobody("-X", "POST", "http://qitech-osd/v1/reboot");
            var restart = AsNobody("-X", "POST", "http://qitech-osd/v1/services/app/restart");
            var targets = AsNobody("http://qitech-osd/v1/update/targets");
            var changelog = AsNobody("http://qitech-osd/v1/update/changelog?ref=main");

            Assert.EndsWith("\n200", read);
            Assert.EndsWith("\n403", reboot);
            Assert.Contains("uid 65534 may only read: changing the system needs root or membership of group 'qitech'", reboot);
            Assert.EndsWith("\n403", restart);
            // Reads that contact the update source use the machine's token: they need the same right.
            Assert.EndsWith("\n403", targets);
            Assert.Contains("uid 65534 may only read: reading from the update source (with its token) needs root or membership of group 'qitech'", targets);
            Assert.EndsWith("\n403", changelog);
            using var client = daemon.Client();
            Assert.Empty(await GetJobs(client));
            Assert.Equal(0, (await client.StatusAsync()).Services.Single().Restarts);
            Assert.Equal(before, (_root.LinkTarget("/run/current-system"), _root.LinkTarget("/qitech/profiles/system"), string.Join(',', SystemInvariants.Generations(_root))));
        }

        using (DaemonProcess.Start(_root.Layout, "--group", "nogroup"))
        {
            Assert.EndsWith("\n200", AsNobody("-X", "POST", "http://qitech-osd/v1/services/app/restart"));
        }
    }

    [Fact]
    public async Task Reboot_reverts_test_and_makes_boot_take_effect()
    {
        var v1 = _root.AddSystem("v1", Units("v1"));
        var v2 = _root.AddSystem("v2", Units("v2"));
        _root.Ok("switch", "--system", v1);
        var daemon = DaemonProcess.Start(_root.Layout);
        try
        {
            using var client = daemon.Client();

            await Finished(client, await client.ActivateAsync(ActivationMode.Test, _root.StorePathOf(v2), null));
            var tested = await client.StatusAsync();
            await Until(() => Task.FromResult(LastLog("app.service").EndsWith(" v2 running")), "v2 runs under test");
            await Finished(client, await client.RebootAsync());
            var rebooted = await client.StatusAsync();
            await Until(() => Task.FromResult(LastLog("app.service").EndsWith(" v1 running")), "v1 runs after reboot");

            Assert.Equal((_root.StorePathOf(v2), _root.StorePathOf(v1)), (tested.CurrentSystem, tested.BootedSystem));
            Assert.Equal((_root.StorePathOf(v1), _root.StorePathOf(v1), 1), (rebooted.CurrentSystem, rebooted.BootedSystem, rebooted.BootDefault!.Number.Value));
            SystemInvariants.AssertRunning(_root, v1, bootDefault: true);

            await Finished(client, await client.ActivateAsync(ActivationMode.Boot, _root.StorePathOf(v2), null));
            var booted = await client.StatusAsync();
            Assert.Equal((_root.StorePathOf(v1), 2), (booted.CurrentSystem, booted.BootDefault!.Number.Value));
            var refused = await Assert.ThrowsAsync<DaemonException>(() => client.DeleteGenerationsAsync("1"));
            Assert.Equal((400, "refusing to delete generation 1: it is the current generation (switch to another first); nothing was deleted"), (refused.Status, refused.Message));
        }
        finally
        {
            daemon.Dispose();
        }

        // A daemon restart is a reboot too.
        using var again = DaemonProcess.Start(_root.Layout);
        using var next = again.Client();
        var status = await next.StatusAsync();
        Assert.Equal((2, 2, 2), (status.Current!.Number.Value, status.Booted!.Number.Value, status.BootDefault!.Number.Value));
        Assert.Equal(ServiceState.Running, status.Services.Single().State);
        await Until(() => Task.FromResult(LastLog("app.service").EndsWith(" v2 running")), "v2 runs after the restart");
        SystemInvariants.AssertRunning(_root, v2, bootDefault: true);
    }

    [Fact]
    public async Task After_kill_9_of_the_daemon_a_restart_ends_the_orphans_and_boots_cleanly_and_stop_leaves_nothing()
    {
        var v1 = _root.AddSystem("v1", Units("v1", "[Service]\nExecStart=/bin/sh -c 'sleep 1000 & sleep 1000 & wait'\n[Install]\nWantedBy=multi-user.target\n"));
        _root.Ok("switch", "--system", v1);
        var first = DaemonProcess.Start(_root.Layout);
        DaemonProcess? second = null;
        try
        {
            using (var client = first.Client())
            {
                await Until(async () => (await client.StatusAsync()).Services.All(s => s.State == ServiceState.Running), "both run");
            }
            await Until(() => Task.FromResult(RootProcesses.Of(_root.Root).Count == 4), "app (sleep) and extra (sh and two sleeps) run");
            var orphans = RootProcesses.Of(_root.Root);

            first.Kill9();
            Assert.Equal(orphans.Order(), RootProcesses.Of(_root.Root).Order());

            second = DaemonProcess.Start(_root.Layout);
            using (var client = second.Client())
            {
                var status = await client.StatusAsync();
                Assert.All(status.Services, s => Assert.Equal(ServiceState.Running, s.State));
                Assert.Equal(1, status.Current!.Number.Value);
            }
            Assert.Contains("ended app.service left running by a previous daemon", second.Output);
            Assert.Empty(RootProcesses.Of(_root.Root).Intersect(orphans));
            SystemInvariants.AssertRunning(_root, v1, bootDefault: true);

            second.Stop();
            Assert.Empty(RootProcesses.Of(_root.Root));
        }
        finally
        {
            // A failed assertion must not leave a daemon running.
            second?.Dispose();
            first.Dispose();
        }
    }

    [Fact]
    public async Task A_unit_that_fails_during_switch_fails_the_job_with_its_log_and_the_version_before_runs_again()
    {
        var v1 = _root.AddSystem("v1", Units("v1"));
        _root.Ok("switch", "--system", v1);
        var broken = new Dictionary<string, string>
        {
            ["app.service"] = "[Service]\nExecStart=/bin/sh -c 'echo cannot open config >&2; exit 1'\n[Install]\nWantedBy=multi-user.target\n",
        };
        var v2 = _root.AddSystem("v2", broken);
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();

        var lines = new List<string>();
        var job = await client.WaitForJobAsync(await client.ActivateAsync(ActivationMode.Switch, _root.StorePathOf(v2), null), lines.Add);
        var status = await client.StatusAsync();

        Assert.Equal(JobState.Failed, job.State);
        Assert.StartsWith("version v2 (generation 2) did not start correctly; version v1 (generation 1) is running again: app.service failed to", job.Error);
        Assert.Contains(lines, l => l.StartsWith("app.service: ", StringComparison.Ordinal) && l.EndsWith(" cannot open config", StringComparison.Ordinal));
        Assert.Equal(["switch: failed", "roll back to v1: succeeded"], job.Steps.Select(s => $"{s.Name}: {DaemonJson.WireName(s.State)}"));
        Assert.Equal((_root.StorePathOf(v1), 1), (status.CurrentSystem, status.BootDefault!.Number.Value));
        Assert.Equal(ServiceState.Running, status.Services.Single().State);
        await Until(() => Task.FromResult(LastLog("app.service").EndsWith(" v1 running")), "v1 runs again");
    }

    [Fact]
    public async Task Bad_requests_are_problems_naming_the_cause()
    {
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();

        var relative = daemon.Send("POST", "/v1/activate", """{"storePath":"qitech/store/x","mode":"switch"}""");
        var mode = daemon.Send("POST", "/v1/activate", """{"generation":1,"mode":"reboot"}""");
        var neither = daemon.Send("POST", "/v1/activate", """{"mode":"switch"}""");
        var noMode = daemon.Send("POST", "/v1/rollback", "{}");
        var unit = await Assert.ThrowsAsync<DaemonException>(() => client.LogsAsync("../../etc/passwd", 10));
        var job = await Assert.ThrowsAsync<DaemonException>(() => client.JobAsync(42));

        Assert.Equal((400, "request body: storePath: 'qitech/store/x' is not inside the store directory (/qitech/store)"), Detail(relative));
        Assert.Equal((400, "request body: mode: 'reboot' is not one of switch, boot, test, dry-activate"), Detail(mode));
        Assert.Equal((400, "activate: give exactly one of storePath or generation"), Detail(neither));
        Assert.Equal(400, noMode.Status);
        Assert.Equal(400, unit.Status);
        Assert.Equal((404, "job 42 does not exist"), (job.Status, job.Message));
        Assert.Null((await client.StatusAsync()).Current);
    }

    [Fact]
    public void Without_a_daemon_status_and_logs_read_the_root_directly()
    {
        var v1 = _root.AddSystem("v1", Units("v1"));
        _root.Ok("switch", "--system", v1);
        Directory.CreateDirectory(_root.Physical("/var/log/qitech"));
        File.WriteAllLines(_root.Physical("/var/log/qitech/app.service.log.1"), ["old line"]);
        File.WriteAllLines(_root.Physical("/var/log/qitech/app.service.log"), ["new line 1", "new line 2"]);

        var status = _root.Ok("status");
        var logs = _root.Ok("logs", "app.service", "-n", "2");
        var missing = _root.Cli("logs", "nope");
        var bad = _root.Cli("logs", "../secret");

        Assert.Contains("current:      generation 1 (v1, ", status);
        Assert.Contains("booted:       (none)", status);
        Assert.Contains("daemon:       not running", status);
        Assert.Equal("old line\nnew line 1\nnew line 2\n", _root.Ok("logs", "app", "-n", "3"));
        Assert.Equal("new line 1\nnew line 2\n", logs);
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error: nope.service: no log yet", missing.Stderr);
        Assert.Equal((2, "error: '../secret' is not a unit name (letters, digits and :_.@- only)\n"), (bad.ExitCode, bad.Stderr));
    }

    private static (int Status, string? Detail) Detail((int Status, string Body) answer) =>
        (answer.Status, System.Text.Json.JsonSerializer.Deserialize(answer.Body, DaemonJsonContext.Default.ProblemJson)!.Detail);

    private static async Task<List<JobJson>> GetJobs(DaemonClient client)
    {
        var jobs = new List<JobJson>();
        for (var id = 1; id <= 3; id++)
        {
            try
            {
                jobs.Add(await client.JobAsync(id));
            }
            catch (DaemonException e) when (e.Status == 404)
            {
                // no such job
            }
        }
        return jobs;
    }
}
