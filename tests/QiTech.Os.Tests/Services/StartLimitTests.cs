using Microsoft.Extensions.Time.Testing;
using QiTech.Os.Activation;
using QiTech.Os.Services;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Services;

/// <summary>The start limit (5 starts within 10 s) on a clock the test moves: no test here sleeps for it.</summary>
public sealed class StartLimitTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly SystemRoot _root = new();
    private readonly TimerCountingClock _time = new(Start);
    private EmbeddedSupervisor _supervisor = null!;

    public Task InitializeAsync()
    {
        _supervisor = new EmbeddedSupervisor(_root.Layout, new SupervisorOptions { Time = _time });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _supervisor.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public void Five_starts_count_and_the_sixth_within_the_interval_does_not()
    {
        var limit = new StartLimit(5, TimeSpan.FromSeconds(10), _time);

        Assert.All(Enumerable.Range(0, 5), _ => Assert.True(limit.TryCountStart()));
        Assert.False(limit.TryCountStart());

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(limit.TryCountStart()); // the five starts are exactly 10 s old: still inside
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.All(Enumerable.Range(0, 5), _ => Assert.True(limit.TryCountStart()));
        Assert.False(limit.TryCountStart());

        limit.Reset();
        Assert.True(limit.TryCountStart());
    }

    [Fact]
    public async Task A_crash_loop_restarting_every_second_hits_the_limit_at_the_sixth_start()
    {
        var status = await CrashLoopAsync(TimeSpan.FromSeconds(1), restarts: 5);

        Assert.Equal(ServiceState.Failed, status.State);
        Assert.Equal(4, status.Restarts);
        Assert.Contains("start limit hit (5 starts within 10s)", status.LastError);
    }

    [Fact]
    public async Task A_crash_loop_restarting_every_three_seconds_never_hits_the_limit()
    {
        // Starts at 0, 3, 6, 9, 12 … s: never five within 10 s.
        var status = await CrashLoopAsync(TimeSpan.FromSeconds(3), restarts: 8);

        Assert.NotEqual(ServiceState.Failed, status.State);
        Assert.Equal(8, status.Restarts);
    }

    /// <summary>
    /// Starts a unit that fails at once and moves the clock by its RestartSec= each time the
    /// supervisor waits to restart it, <paramref name="restarts"/> times or until it failed.
    /// </summary>
    private async Task<ServiceStatus> CrashLoopAsync(TimeSpan restartSec, int restarts)
    {
        _supervisor.Load(_root.AddSystem("v1", new Dictionary<string, string>
        {
            ["loop.service"] = $"[Service]\nExecStart=/bin/false\nRestart=always\nRestartSec={restartSec.TotalSeconds}s\n",
        }));
        await Assert.ThrowsAsync<ServiceStartException>(() => _supervisor.StartAsync("loop.service", CancellationToken.None));
        for (var waits = 1; waits <= restarts; waits++)
        {
            var status = await UntilAsync(async () =>
            {
                var s = await StatusAsync();
                return s.State == ServiceState.Failed || _time.Timers >= waits ? s : null;
            });
            if (status.State == ServiceState.Failed)
            {
                return status;
            }
            _time.Advance(restartSec);
        }
        // The last restart has begun: wait until it ran and the loop waits (or failed) again.
        return await UntilAsync(async () =>
        {
            var s = await StatusAsync();
            return s.State == ServiceState.Failed || _time.Timers > restarts ? s : null;
        });
    }

    private async Task<ServiceStatus> StatusAsync() =>
        (await _supervisor.StatusAsync(CancellationToken.None)).Single(s => s.Name == "loop.service");

    /// <summary>Polls a condition on the real clock, bounded so that a bug fails instead of hanging.</summary>
    private static async Task<ServiceStatus> UntilAsync(Func<Task<ServiceStatus?>> condition)
    {
        for (var i = 0; i < 2400; i++)
        {
            if (await condition() is { } status)
            {
                return status;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException("the supervisor never reached the expected state");
    }

    /// <summary>
    /// A fake clock that counts the timers made on it: the supervisor's restart delay is one,
    /// and moving the clock before it exists would not end it.
    /// </summary>
    private sealed class TimerCountingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }
    }
}
