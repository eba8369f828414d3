using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Health;
using QiTech.Os.Jobs;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Health;

/// <summary>
/// The embedded boot counts boots as systemd-boot does: each boot of a counted entry uses one
/// try, a healthy boot blesses it, and an entry with no tries left is passed over for the
/// previous generation, the last known-good one becoming the boot default.
/// </summary>
public sealed class BootCountingTests : IDisposable
{
    private readonly SystemRoot _root = new();
    private readonly TempDir _dir = new("qitech-boot-count");
    private readonly HealthServer _server;

    public BootCountingTests() => _server = new HealthServer(_dir);

    public void Dispose()
    {
        foreach (var pid in RootProcesses.Of(_root.Root))
        {
            Platform.Posix.Kill(pid, Platform.Posix.SIGKILL);
        }
        _root.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_generation_that_never_boots_healthy_is_passed_over_after_three_tries()
    {
        var v1 = _root.AddSystem("v1", _server.Units("v1"));
        var v2 = _root.AddSystem("v2", _server.Units("v2", status: 500, check: "DeadlineSec=2\n"));
        _root.Ok("switch", "--system", v1);
        var counted = Entries();
        using var daemon = DaemonProcess.Start(_root.Layout);
        using var client = daemon.Client();
        var boot = await client.WaitForJobAsync((await client.JobsAsync()).Single().Id, null);
        var blessed = Entries();
        Assert.True((await client.WaitForJobAsync(await client.ActivateAsync(ActivationMode.Boot, _root.StorePathOf(v2), null), null)).Succeeded);

        var tries = new List<(string State, string Entries, string? Current)>();
        for (var i = 0; i < 3; i++)
        {
            var job = await client.WaitForJobAsync(await client.RebootAsync(), null);
            tries.Add((DaemonJson.WireName(job.State), Entries(), (await client.StatusAsync()).CurrentSystem is { } current ? _root.Layout.StoreDir.Render(current) : null));
        }
        var fourth = await client.WaitForJobAsync(await client.RebootAsync(), null);
        var status = await client.StatusAsync();
        var generations = await client.GenerationsAsync();

        Assert.Equal("qitech-1+3.conf", counted);
        Assert.Equal((JobKind.BootCheck, JobState.Succeeded), (boot.Kind, boot.State));
        Assert.Equal("qitech-1.conf", blessed);
        Assert.Equal(
            [("failed", "qitech-1.conf qitech-2+2-1.conf", v2), ("failed", "qitech-1.conf qitech-2+1-2.conf", v2), ("failed", "qitech-1.conf qitech-2+0-3.conf", v2)],
            tries);
        Assert.True(fourth.Succeeded, fourth.Error);
        Assert.Equal((_root.StorePathOf(v1), _root.StorePathOf(v1), 1), (status.CurrentSystem, status.BootedSystem, status.BootDefault!.Number.Value));
        Assert.Equal((2, 1), (status.BootFallback!.From.Value, status.BootFallback.To.Value));
        Assert.StartsWith("generation 2 did not become healthy in 3 boots; last: a boot did not become healthy (0 tries left, 3 used): app.service: not healthy within 2 s", status.BootFallback.Reason);
        Assert.Equal(status.BootFallback.Reason, generations.Single(g => g.Number.Value == 2).Failure);
        Assert.True(generations.Single(g => g.Number.Value == 1).KnownGood);
        Assert.Equal("qitech-1.conf qitech-2+0-3.conf", Entries());
        Assert.Equal(1, new BootEntries(_root.Layout).LoaderChoice()?.Value);
        Assert.Equal("v1", await _server.VersionAsync());
        Assert.Contains("fallback:     this boot fell back from generation 2 to generation 1: generation 2 did not become healthy in 3 boots", _root.Ok("status"));

        // The next boot takes the known-good default: no fallback any more.
        Assert.True((await client.WaitForJobAsync(await client.RebootAsync(), null)).Succeeded);
        Assert.Null((await client.StatusAsync()).BootFallback);
    }

    private string Entries() =>
        string.Join(' ', Directory.GetFiles(_root.Physical("/boot/loader/entries")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
}
