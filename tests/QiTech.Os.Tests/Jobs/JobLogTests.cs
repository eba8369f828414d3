using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using QiTech.Os.Errors;
using QiTech.Os.Health;
using QiTech.Os.Jobs;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Jobs;

/// <summary>A job's times come from the runner's clock, and its start, end and failure reach the log, a crash with its stack.</summary>
public sealed class JobLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingLogger _log = new();

    [Fact]
    public async Task A_job_and_its_steps_are_timed_by_the_runner_s_clock()
    {
        var runner = new JobRunner(_time, _log.For<JobRunner>());

        runner.TryStart(JobKind.Gc, context =>
        {
            context.Step("collect");
            _time.Advance(TimeSpan.FromSeconds(90));
            context.Step("report");
            _time.Advance(TimeSpan.FromSeconds(5));
            return Task.CompletedTask;
        }, out var job);
        await job.Completion;

        Assert.Equal(Start, job.Created);
        Assert.Equal(Start.AddSeconds(95), job.Finished);
        Assert.Equal([(Start, Start.AddSeconds(90)), (Start.AddSeconds(90), Start.AddSeconds(95))],
            job.Steps.Select(s => (s.Started!.Value, s.Finished!.Value)));
        Assert.Equal(
            [(LogLevel.Information, $"job {job.Id} (Gc) started"), (LogLevel.Information, $"job {job.Id} (Gc) ended Succeeded after 00:01:35")],
            _log.Entries.Select(e => (e.Level, e.Message)));
    }

    [Fact]
    public async Task A_crash_inside_a_job_is_logged_with_its_stack()
    {
        var runner = new JobRunner(_time, _log.For<JobRunner>());

        runner.TryStart(JobKind.Update, _ => Task.Run(FailDeepInside), out var job);
        await job.Completion;

        Assert.Equal(JobState.Failed, job.State);
        Assert.Equal("internal error: InvalidOperationException: the index is broken", job.Error);
        var crash = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal($"job {job.Id} (Update) crashed", crash.Message);
        var exception = Assert.IsType<InvalidOperationException>(crash.Exception);
        Assert.Contains(nameof(FailDeepInside), exception.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expected_failure_is_one_line_without_a_stack()
    {
        var runner = new JobRunner(_time, _log.For<JobRunner>());

        runner.TryStart(JobKind.Switch, _ => throw new QiTechOsException("unit a.service failed"), out var job);
        await job.Completion;

        var failure = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal($"job {job.Id} (Switch) failed: unit a.service failed", failure.Message);
        Assert.Null(failure.Exception);
        Assert.DoesNotContain(_log.Entries, e => e.Level == LogLevel.Error);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FailDeepInside() => throw new InvalidOperationException("the index is broken");
}
