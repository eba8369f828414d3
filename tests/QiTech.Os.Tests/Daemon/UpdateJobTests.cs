using System.Text;
using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Generations;
using QiTech.Os.Health;
using QiTech.Os.Jobs;
using QiTech.Os.Platform;
using QiTech.Os.Services;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Daemon;

/// <summary>
/// The update job in the real daemon (embedded, temp root) from a real git repository: the
/// API and the CLI install a tag, cancels and failures leave the running system, the store,
/// the process table and the daemon's descriptors as they were, and the token stays secret.
/// </summary>
public sealed class UpdateJobTests : IDisposable
{
    private const string Token = "qt_upd_s3cret_7f3a9c21d4e8";
    private const int Rounds = 20;

    private readonly SystemRoot _root = new();
    private readonly TempDir _temp = new("qitech-upd");
    private readonly GitFixture _repo;
    private readonly AuthGitHttpServer _server;
    private readonly TlsFront _https;

    public UpdateJobTests()
    {
        _repo = new GitFixture(_temp.Combine("srv", "machine.git"));
        Tag("r1", Machine("1001") + Package("greeter", "echo compiling r1; mkdir -p \"$out\"; echo r1 > \"$out/version\""), 10);
        // A second build of greeter: the first one's duration gives a time-left estimate.
        Tag("r2", Machine("1002") + Package("greeter", "echo compiling r2; sleep 1; mkdir -p \"$out\"; echo r2 > \"$out/version\""), 11);
        Tag("broken", "system:\n  hostName: Not_A_Host\n", 12);
        Tag("unbuildable", Machine("1003") + Package("tool", "echo no compiler here; exit 7"), 13);
        Tag("slow", Machine("1004") + Package("slow", "echo building; exec sleep 600"), 14);
        _server = new AuthGitHttpServer(_temp.Combine("srv"), Token);
        _https = new TlsFront(_temp.Combine("ca.pem"), _server.BaseUrl);
    }

    /// <summary>The private remote: a token is only ever sent over https.</summary>
    private string HttpsUrl => _https.BaseUrl + "machine.git";

    /// <summary>The daemon, trusting the private remote's certificate authority.</summary>
    private DaemonProcess StartDaemon() => DaemonProcess.Start(_root.Layout, _https.GitEnvironment);

    public void Dispose()
    {
        _https.Dispose();
        _server.Dispose();
        _root.Dispose();
        _temp.Dispose();
    }

    /// <summary>A tiny machine: one service whose command line tells the versions apart.</summary>
    private static string Machine(string sleep) =>
        "system:\n  hostName: machine\nnetworking:\n  firewall:\n    enable: false\n"
        + "systemd:\n  services:\n    app:\n      wantedBy: [multi-user.target]\n      serviceConfig:\n        ExecStart: /bin/sleep " + sleep + "\n";

    /// <summary>A package built in the sandbox by a script, in the system (a package nothing references is not built).</summary>
    private static string Package(string name, string script) =>
        $"packages:\n  {name}:\n    build:\n      script: '{script}'\nenvironment:\n  systemPackages: [{name}]\n";

    private void Tag(string tag, string machine, int day)
    {
        _repo.Write("machine.yaml", machine);
        _repo.Commit("machine " + tag, day);
        _repo.Git("tag", tag);
    }

    [Fact]
    public async Task Should_install_a_tag_through_the_api_and_through_the_cli()
    {
        using var daemon = StartDaemon();
        using var client = daemon.Client();

        var first = await Finished(client, await client.InstallUpdateAsync("r1", ActivationMode.Switch, _repo.Path));
        var afterApi = await client.StatusAsync();
        var apiAbbreviation = ServiceVersion(afterApi);
        var cli = _root.Cli("update", "install", "r2", "--source", _repo.Path);
        var afterCli = await client.StatusAsync();
        var jobs = await client.JobsAsync();
        var estimates = new List<ProgressEvent>();
        await foreach (var e in client.JobEventsAsync(2))
        {
            if (e.Value is ProgressEvent { SecondsLeft: not null } progress)
            {
                estimates.Add(progress);
            }
        }

        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(["fetch", "evaluate configuration", "build packages", "build system", "activate"], first.Steps.Select(s => s.Name));
        Assert.All(first.Steps, s => Assert.Equal((JobState.Succeeded, 100), (s.State, s.Percent)));
        Assert.Equal("r1", client.Json.Update(first)!.Abbreviation);
        Assert.Equal((1, "r1"), (afterApi.Current!.Number.Value, afterApi.Current.Version!.Abbreviation));
        Assert.Equal("r1", apiAbbreviation);
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        Assert.Contains("==> fetch\n", cli.Stderr);
        Assert.Contains("==> activate\n", cli.Stderr);
        Assert.Contains("    greeter> compiling r2\n", cli.Stderr);
        // greeter was built before (for r1): its rebuild tells how long it should still take.
        Assert.NotEmpty(estimates);
        Assert.All(estimates, e => Assert.Equal("build packages", e.Step));
        Assert.Contains("    updating to r2 from " + _repo.Path, cli.Stderr);
        Assert.Contains($"updated to r2: generation 2 ({_root.Layout.StoreDir.Render(afterCli.CurrentSystem!.Value)}) is current and the boot default", cli.StdoutText);
        Assert.Equal((2, "r2"), (afterCli.Current!.Number.Value, afterCli.Current.Version!.Abbreviation));
        Assert.Equal("r2", ServiceVersion(afterCli));
        // The CLI went through the daemon: its update is the daemon's second job.
        Assert.Equal([(JobKind.Update, JobState.Succeeded), (JobKind.Update, JobState.Succeeded)], jobs.Select(j => (j.Kind, j.State)));
    }

    [Fact]
    public async Task Should_refuse_bad_refs_sources_and_modes_before_any_job_starts()
    {
        using var daemon = StartDaemon();
        using var client = daemon.Client();

        var noSource = await Refused(() => client.InstallUpdateAsync("r1", ActivationMode.Switch));
        var option = await Refused(() => client.InstallUpdateAsync("--upload-pack=touch /tmp/x", ActivationMode.Switch, _repo.Path));
        var control = await Refused(() => client.InstallUpdateAsync("r1\nx", ActivationMode.Switch, _repo.Path));
        var revision = await Refused(() => client.InstallUpdateAsync("r1^{tree}", ActivationMode.Switch, _repo.Path));
        var transport = await Refused(() => client.InstallUpdateAsync("r1", ActivationMode.Switch, "ext::sh -c 'touch /tmp/pwned'"));
        var sourceOption = await Refused(() => client.InstallUpdateAsync("r1", ActivationMode.Switch, "--upload-pack=touch /tmp/x"));
        var mode = await Refused(() => client.InstallUpdateAsync("r1", ActivationMode.DryActivate, _repo.Path));
        var file = await Refused(() => client.InstallUpdateAsync("r1", ActivationMode.Switch, _repo.Path, configFile: "../etc/passwd"));
        var cli = _root.Cli("update", "install", "r1", "--source", "ext::sh -c id");

        Assert.Contains("no update source", noSource);
        Assert.StartsWith("ref '--upload-pack=touch /tmp/x'", option);
        Assert.StartsWith("ref 'r1\\x0ax'", control);
        Assert.StartsWith("ref 'r1^{tree}'", revision);
        Assert.StartsWith("source 'ext::sh", transport);
        Assert.StartsWith("source '--upload-pack", sourceOption);
        Assert.Equal("mode: an update installs with switch, boot or test", mode);
        Assert.Contains("'../etc/passwd' must be a plain relative path", file);
        Assert.Equal(2, cli.ExitCode);
        Assert.StartsWith("error: source 'ext::sh -c id'", cli.Stderr);
        Assert.Empty(await client.JobsAsync());
        Assert.Empty(SystemInvariants.Generations(_root));
    }

    [Fact]
    public async Task Should_refuse_a_second_install_and_a_switch_with_409_while_an_update_runs()
    {
        using var daemon = StartDaemon();
        using var client = daemon.Client();
        Assert.Equal(JobState.Succeeded, (await Finished(client, await client.InstallUpdateAsync("r1", ActivationMode.Switch, _repo.Path))).State);
        SetToken(Token);
        _server.Stall = true;

        var jobId = await client.InstallUpdateAsync("r2", ActivationMode.Switch, HttpsUrl);
        await _server.WaitForHeldRequestAsync(CancellationToken.None);
        var install = await Assert.ThrowsAsync<DaemonException>(() => client.InstallUpdateAsync("r1", ActivationMode.Switch, _repo.Path));
        var activate = await Assert.ThrowsAsync<DaemonException>(() => client.ActivateAsync(ActivationMode.Switch, null, new GenerationNumber(1)));
        var cli = _root.Cli("update", "install", "r1", "--source", _repo.Path);
        var cancel = _root.Cli("update", "cancel");
        var job = await client.JobAsync(jobId);

        Assert.Equal((409, jobId, $"update {jobId} is running"), (install.Status, install.RunningJobId, install.Message));
        Assert.Equal((409, $"update {jobId} is running"), (activate.Status, activate.Message));
        Assert.Equal(1, cli.ExitCode);
        Assert.Equal($"error: update {jobId} is running\n", cli.Stderr);
        Assert.True(cancel.ExitCode == 0, cancel.Stderr);
        Assert.Equal($"job {jobId} (update) cancelled\n", cancel.StdoutText);
        Assert.Equal((JobState.Cancelled, "cancelled"), (job.State, job.Error));
        Assert.Equal(2, (await client.JobsAsync()).Count);
    }

    [Fact]
    public async Task Should_leave_nothing_behind_after_twenty_cancelled_updates_and_then_install()
    {
        using var daemon = StartDaemon();
        using var client = daemon.Client();
        Assert.Equal(JobState.Succeeded, (await Finished(client, await client.InstallUpdateAsync("r1", ActivationMode.Switch, _repo.Path))).State);
        var running = await client.StatusAsync();
        SetToken(Token);
        _server.Stall = true;
        var descriptors = new List<int>();

        for (var round = 1; round <= Rounds; round++)
        {
            // Odd rounds stop in the fetch (the remote stalls), even ones in a package build that sleeps.
            var inFetch = round % 2 == 1;
            _server.Stall = inFetch;
            var jobId = inFetch
                ? await client.InstallUpdateAsync("r2", ActivationMode.Switch, HttpsUrl)
                : await client.InstallUpdateAsync("slow", ActivationMode.Switch, _repo.Path);
            if (inFetch)
            {
                await _server.WaitForHeldRequestAsync(CancellationToken.None);
            }
            else
            {
                await LogLine(client, jobId, "slow> building");
            }
            var alive = JobProcesses.Of(_root.Root, daemon.Pid, _https.BaseUrl);
            await client.CancelJobAsync(jobId);
            var job = await Finished(client, jobId);
            var left = JobProcesses.AfterSettling(_root.Root, daemon.Pid, _https.BaseUrl);
            var status = await client.StatusAsync();
            var verify = _root.Cli("store", "verify");

            // git waits for the remote, or bubblewrap runs the build: the scan sees the job's programs.
            Assert.Contains(alive, p => p.Contains(inFetch ? "git" : "bwrap", StringComparison.Ordinal));
            Assert.Equal((JobState.Cancelled, "cancelled"), (job.State, job.Error));
            Assert.Equal((inFetch ? "fetch" : "build packages", JobState.Cancelled), (job.Steps[^1].Name, job.Steps[^1].State));
            Assert.True(left.Count == 0, $"round {round}: left running:\n{string.Join('\n', left)}");
            Assert.Equal(["system-1-link"], SystemInvariants.Generations(_root));
            Assert.Equal((running.CurrentSystem, ServicePid(running)), (status.CurrentSystem, ServicePid(status)));
            Assert.True(verify.ExitCode == 0, $"round {round}: {verify.Stderr}{verify.StdoutText}");
            descriptors.Add(Directory.GetFiles($"/proc/{daemon.Pid}/fd").Length);
        }
        _server.Stall = false;
        var retry = await Finished(client, await client.InstallUpdateAsync("r2", ActivationMode.Switch, HttpsUrl));
        var jobs = await client.JobsAsync();

        Assert.True(retry.Succeeded, retry.Error);
        Assert.Equal("r2", ServiceVersion(await client.StatusAsync()));
        // One job per request, in order: the first install, the cancelled ones, the retry.
        Assert.Equal(Enumerable.Range(1, Rounds + 2), jobs.Select(j => j.Id));
        Assert.Equal([JobState.Succeeded, .. Enumerable.Repeat(JobState.Cancelled, Rounds), JobState.Succeeded], jobs.Select(j => j.State));
        Assert.True(descriptors[^1] <= descriptors[0] + 5, $"the daemon's descriptors grew: {string.Join(' ', descriptors)}");
    }

    [Fact]
    public async Task Should_keep_the_running_generation_and_its_service_through_twenty_failed_updates()
    {
        using var daemon = StartDaemon();
        using var client = daemon.Client();
        Assert.Equal(JobState.Succeeded, (await Finished(client, await client.InstallUpdateAsync("r1", ActivationMode.Switch, _repo.Path))).State);
        var running = await client.StatusAsync();
        var descriptors = new List<int>();

        for (var round = 1; round <= Rounds; round++)
        {
            // Odd rounds fail in the configuration, even ones in a package build.
            var badConfig = round % 2 == 1;
            var job = await Finished(client, await client.InstallUpdateAsync(badConfig ? "broken" : "unbuildable", ActivationMode.Switch, _repo.Path));
            var status = await client.StatusAsync();

            Assert.Equal(JobState.Failed, job.State);
            Assert.Equal(badConfig ? 2 : 1, job.ExitCode); // a configuration error is bad input, as without a daemon
            Assert.Matches(badConfig
                ? @"/machine\.yaml:2:13: system\.hostName: expected host name"
                : @"^build of 'tool' failed: the builder exited with code 7; last 1 log lines:\n  no compiler here\n", job.Error);
            Assert.Equal(JobState.Failed, job.Steps[^1].State);
            Assert.DoesNotContain(job.Steps, s => s.Name == "activate");
            Assert.Equal((running.CurrentSystem, 1, ServicePid(running)), (status.CurrentSystem, status.Current!.Number.Value, ServicePid(status)));
            Assert.Empty(JobProcesses.AfterSettling(_root.Root, daemon.Pid));
            descriptors.Add(Directory.GetFiles($"/proc/{daemon.Pid}/fd").Length);
        }

        var cli = _root.Cli("update", "install", "broken", "--source", _repo.Path);
        Assert.True(cli.ExitCode == 2, cli.Stderr);
        Assert.Contains("system.hostName: expected host name", cli.Stderr);

        Assert.Equal(["system-1-link"], SystemInvariants.Generations(_root));
        Assert.Equal(ServiceState.Running, (await client.StatusAsync()).Services.Single(s => s.Name == "app.service").State);
        Assert.True(descriptors[^1] <= descriptors[0] + 5, $"the daemon's descriptors grew: {string.Join(' ', descriptors)}");
    }

    [Fact]
    public async Task Should_keep_the_token_out_of_every_event_error_and_answer()
    {
        using var daemon = StartDaemon();
        using var client = daemon.Client();
        SetToken(Token);

        var installed = await Finished(client, await client.InstallUpdateAsync("r1", ActivationMode.Switch, HttpsUrl));
        var unknown = await Finished(client, await client.InstallUpdateAsync("no-such-tag", ActivationMode.Switch, HttpsUrl));
        SetToken("qt_wrong_0a1b2c3d4e5f");
        var refused = await Finished(client, await client.InstallUpdateAsync("r2", ActivationMode.Switch, HttpsUrl));
        var told = new StringBuilder(daemon.Output);
        foreach (var job in await client.JobsAsync())
        {
            told.AppendLine(Curl($"/v1/jobs/{job.Id}")).AppendLine(Curl($"/v1/jobs/{job.Id}/events"));
        }
        told.AppendLine(Curl("/v1/jobs")).AppendLine(Curl("/v1/status")).AppendLine(Curl("/v1/generations")).AppendLine(Curl("/v1/update/source"));

        Assert.True(installed.Succeeded, installed.Error);
        Assert.Equal((JobState.Failed, $"ref 'no-such-tag' is no tag, branch or commit of {HttpsUrl}"), (unknown.State, unknown.Error));
        Assert.Equal(JobState.Failed, refused.State);
        Assert.Contains("authentication failed", refused.Error);
        Assert.Contains("\"line\":\"updating to r1 from " + HttpsUrl, told.ToString());
        Assert.DoesNotContain(Token, told.ToString());
        Assert.DoesNotContain("qt_wrong_0a1b2c3d4e5f", told.ToString());
        Assert.DoesNotContain(_server.RequestLines, l => l.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_cancel_the_daemon_job_when_the_cli_is_interrupted()
    {
        using var daemon = StartDaemon();
        using var client = daemon.Client();
        SetToken(Token);
        _server.Stall = true;

        using var cli = OurCli.Start(["--root", _root.Root, "update", "install", "r1", "--source", HttpsUrl]);
        await _server.WaitForHeldRequestAsync(CancellationToken.None);
        Posix.Kill(cli.Id, Posix.SIGTERM);
        await cli.WaitForExitAsync();
        var job = (await client.JobsAsync()).Single();

        Assert.NotEqual(0, cli.ExitCode);
        Assert.Equal((JobKind.Update, JobState.Cancelled), (job.Kind, job.State));
        Assert.Empty(JobProcesses.AfterSettling(_root.Root, daemon.Pid, _https.BaseUrl));
        Assert.Empty(SystemInvariants.Generations(_root));
    }

    private void SetToken(string token) =>
        Assert.Equal(0, OurCli.Run(["--root", _root.Root, "update", "token", "set", "--source", HttpsUrl], Encoding.UTF8.GetBytes(token + "\n")).ExitCode);

    private string Curl(string path) =>
        HostProgram.Run("curl", ["-s", "--unix-socket", _root.Layout.DaemonSocket, "http://qitech-osd" + path]).StdoutText;

    private static async Task<JobJson> Finished(DaemonClient client, int jobId) => await client.WaitForJobAsync(jobId, null);

    /// <summary>Waits until the job has logged <paramref name="line"/>.</summary>
    private static async Task LogLine(DaemonClient client, int jobId, string line)
    {
        await foreach (var e in client.JobEventsAsync(jobId))
        {
            if (e.Value is LogEvent log && log.Line == line)
            {
                return;
            }
        }
        Assert.Fail($"job {jobId} ended without logging '{line}': {(await client.JobAsync(jobId)).Error}");
    }

    private static async Task<string> Refused(Func<Task<int>> start)
    {
        var e = await Assert.ThrowsAsync<DaemonException>(start);
        Assert.Equal(400, e.Status);
        return e.Message;
    }

    private static int? ServicePid(StatusJson status) => status.Services.Single(s => s.Name == "app.service").Pid;

    /// <summary>The version the running service was started with, from its environment.</summary>
    private static string? ServiceVersion(StatusJson status)
    {
        var environment = File.ReadAllText($"/proc/{ServicePid(status)}/environ").Split('\0');
        return environment.FirstOrDefault(v => v.StartsWith("QITECH_OS_GIT_ABBREVIATION=", StringComparison.Ordinal))?.Split('=', 2)[1];
    }
}
