using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Health;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Health;

/// <summary>
/// An update's activate step waits for the health checks the configuration declares
/// (<c>systemd.services.&lt;name&gt;.healthCheck</c>), and a version that fails them is rolled
/// back live: the real daemon, a real git repository, the service a real HTTP server.
/// </summary>
public sealed class UpdateHealthTests : IDisposable
{
    private readonly SystemRoot _root = new();
    private readonly TempDir _temp = new("qitech-upd-health");
    private readonly GitFixture _repo;
    private readonly HealthServer _server;

    public UpdateHealthTests()
    {
        _server = new HealthServer(_temp);
        _repo = new GitFixture(_temp.Combine("machine.git"));
        Tag("v1", Machine("v1", 200), 10);
        Tag("v2", Machine("v2", 500), 11);
    }

    public void Dispose()
    {
        foreach (var pid in RootProcesses.Of(_root.Root))
        {
            Platform.Posix.Kill(pid, Platform.Posix.SIGKILL);
        }
        _root.Dispose();
        _temp.Dispose();
    }

    private string Machine(string label, int status) => $$"""
        system:
          hostName: machine
        networking:
          firewall:
            enable: false
        systemd:
          services:
            app:
              wantedBy: [multi-user.target]
              serviceConfig:
                ExecStart: /usr/bin/python3 {{_server.ScriptPath}} {{_server.Port}} {{status}} {{label}} 0
              healthCheck:
                http: {{_server.HealthUrl}}
                deadlineSec: 3
        """;

    private void Tag(string tag, string machine, int day)
    {
        _repo.Write("machine.yaml", machine);
        _repo.Commit("machine " + tag, day);
        _repo.Git("tag", tag);
    }

    [Fact]
    public async Task An_update_that_fails_its_health_check_is_rolled_back_and_the_cli_says_so()
    {
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();
        var first = await client.WaitForJobAsync(await client.InstallUpdateAsync("v1", ActivationMode.Switch, _repo.Path), null);
        Assert.True(first.Succeeded, first.Error);

        var second = await client.WaitForJobAsync(await client.InstallUpdateAsync("v2", ActivationMode.Switch, _repo.Path), null);
        var status = await client.StatusAsync();
        var cli = _root.Cli("update", "install", "v2", "--source", _repo.Path);
        var unit = _root.ReadText(_root.Layout.StoreDir.Render(status.CurrentSystem!.Value) + "/etc/systemd/system/app.service");

        Assert.Equal(JobState.Failed, second.State);
        Assert.Equal(
            ["fetch", "evaluate configuration", "build packages", "build system", "activate", "check app.service: failed", "roll back to v1", "check app.service"],
            second.Steps.Select(s => s.State == JobState.Succeeded ? s.Name : $"{s.Name}: {DaemonJson.WireName(s.State)}"));
        Assert.StartsWith($"version v2 (generation 2) did not start correctly; version v1 (generation 1) is running again: app.service: not healthy within 3 s; last: GET {_server.HealthUrl} answered 500", second.Error);
        Assert.Equal((1, "v1"), (status.Current!.Number.Value, await _server.VersionAsync()));
        Assert.Contains($"[X-QiTech-HealthCheck]\nHttp={_server.HealthUrl}\nDeadlineSec=3\n", unit);
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("==> check app.service: failed\n", cli.Stderr);
        Assert.Contains("error: version v2 (generation 2) did not start correctly; version v1 (generation 1) is running again\n", cli.Stderr);
        Assert.Equal("v1", await _server.VersionAsync());
    }
}
