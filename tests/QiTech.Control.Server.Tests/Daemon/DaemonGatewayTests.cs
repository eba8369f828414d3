using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Tests.EndToEnd;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Client;
using QiTech.Os.Jobs;

namespace QiTech.Control.Server.Tests.Daemon;

/// <summary>The pages' view of the real <c>qitech-osd</c> over the core client: answers, refusals, events, logs.</summary>
[Collection(MachineCollection.Name)]
public sealed class DaemonGatewayTests(MachineFixture fixture)
{
    [Fact]
    public async Task Status_and_generations_carry_the_installed_versions()
    {
        var status = await fixture.Daemon.GetStatusAsync(default);
        var generations = await fixture.Daemon.GetGenerationsAsync(default);

        Assert.NotNull(status.Current);
        Assert.Contains(generations, g => g.Version?.Abbreviation == "v1.0.0" && g.Version.Commit == MachineRoot.CommitOf("v1.0.0"));
        Assert.All(generations, g => Assert.StartsWith("system-v", g.StorePath.Name));
        Assert.Contains(status.Services, s => s.Name == "qitech-machine.service");
    }

    [Fact]
    public async Task A_refusal_becomes_a_problem_with_the_daemons_detail()
    {
        var current = (await fixture.Daemon.GetStatusAsync(default)).Current!;

        var refused = await Assert.ThrowsAsync<DaemonException>(() =>
            fixture.Daemon.DeleteGenerationAsync(current.Number, default));

        Assert.Equal(409, refused.Status);
        Assert.Contains($"generation {current.Number}", refused.Message);
        Assert.Contains(await fixture.Daemon.GetGenerationsAsync(default), g => g.Number == current.Number);
    }

    [Fact]
    public async Task An_unknown_job_is_null_and_a_finished_one_replays_its_events_to_done()
    {
        Assert.Null(await fixture.Daemon.GetJobAsync(999_999, default));

        var events = new List<DaemonEvent>();
        await foreach (var e in fixture.Daemon.WatchJobAsync(fixture.FirstJobId, default))
        {
            events.Add(e);
        }

        Assert.IsType<DoneEvent>(events[^1].Value);
        Assert.Contains(events, e => e.Value is StepEvent);
        Assert.Contains(events, e => e.Value is LogEvent { Line.Length: > 0 } log && !log.Line.StartsWith('{'));
    }

    [Fact]
    public async Task A_services_log_is_read_as_lines()
    {
        var unit = UnitName.TryParse("qitech-machine.service", out var parsed) ? parsed : throw new InvalidOperationException();

        var lines = await fixture.Daemon.ReadLogAsync(unit, 50, default);

        Assert.Contains(lines, l => l.Contains("machine v", StringComparison.Ordinal) && l.Contains("started", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_socket_is_reported_as_unavailable_and_transient()
    {
        using var client = new DaemonClient(Path.Combine(fixture.Machine.Dir, "no-daemon.sock"));
        var nowhere = new DaemonGateway(client);

        var error = await Assert.ThrowsAsync<DaemonUnavailableException>(() => nowhere.GetStatusAsync(default));

        Assert.True(error.IsTransient);
        Assert.Contains("no-daemon.sock", error.Message);
    }
}
