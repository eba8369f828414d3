using QiTech.Os.Health;
using QiTech.Os.Jobs;

namespace QiTech.Os.Tests.Jobs;

public sealed class JobRunnerTests
{
    [Fact]
    public async Task One_job_at_a_time_and_a_late_subscriber_replays_every_event()
    {
        var runner = new JobRunner();
        var release = new TaskCompletionSource();
        Assert.True(runner.TryStart(JobKind.Switch, async context =>
        {
            context.Step("stop units");
            context.Log("stopping b.service");
            context.Progress(50);
            await release.Task;
            context.Step("start units");
        }, out var first));

        Assert.False(runner.TryStart(JobKind.Gc, _ => Task.CompletedTask, out var running));
        Assert.Same(first, running);

        release.SetResult();
        await first.Completion;
        var events = new List<JobEvent>();
        await foreach (var e in first.Subscribe())
        {
            events.Add(e);
        }

        Assert.Equal(["step", "log", "progress", "step", "step", "step", "done"], events.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(1, 7), events.Select(e => e.Sequence));
        Assert.Equal(JobState.Succeeded, first.State);
        Assert.Equal([new JobStep("stop units", JobState.Succeeded, 50), new JobStep("start units", JobState.Succeeded, null)],
            first.Steps.Select(s => s with { Started = null, Finished = null }));
        // Each step has its own times, and the second begins once the first has ended.
        Assert.All(first.Steps, s => Assert.True(s.Started <= s.Finished, $"{s.Name}: {s.Started} .. {s.Finished}"));
        Assert.True(first.Steps[0].Finished <= first.Steps[1].Started);
        Assert.True(runner.TryStart(JobKind.Gc, _ => Task.CompletedTask, out var second));
        Assert.Equal(first.Id + 1, second.Id);
    }

    [Fact]
    public async Task A_cancel_is_refused_with_the_reason_while_the_work_refuses_it_and_taken_after()
    {
        var runner = new JobRunner();
        var refusing = new TaskCompletionSource();
        var allow = new TaskCompletionSource();
        runner.TryStart(JobKind.Switch, async context =>
        {
            context.RefuseCancel("version v2 is being activated");
            refusing.SetResult();
            await allow.Task;
            context.AllowCancel();
            await Task.Delay(Timeout.Infinite, context.Cancel);
        }, out var job);
        await refusing.Task;

        Assert.False(job.TryCancel(out var refusal));
        Assert.Equal("version v2 is being activated", refusal);
        Assert.False(job.CancellationToken.IsCancellationRequested);
        allow.SetResult();
        // The work allows the cancel again at its own pace: try until it is taken.
        while (!job.TryCancel(out _))
        {
            await Task.Delay(10);
        }
        await job.Completion;

        Assert.Equal(JobState.Cancelled, job.State);
    }

    [Fact]
    public async Task Cancelling_a_job_kills_the_programs_it_runs_with_their_children()
    {
        var runner = new JobRunner();
        // A unique sleep length marks the program's children in /proc.
        var marker = "999." + Random.Shared.Next(100_000, 999_999);
        runner.TryStart(JobKind.Update, async context =>
        {
            context.Step("build");
            await context.RunProcessAsync("/bin/sh", ["-c", $"echo started; sleep {marker} & sleep {marker}"]);
        }, out var job);
        await foreach (var e in job.Subscribe())
        {
            if (e.Type == "log")
            {
                break; // the program runs
            }
        }

        Assert.True(job.TryCancel(out _));
        await job.Completion;

        Assert.Equal(JobState.Cancelled, job.State);
        Assert.Equal(JobState.Cancelled, job.Steps.Single().State);
        // A child killed with the job may still be on its way out (SIGKILL delivered, not yet a
        // zombie) on a loaded machine: it must be gone soon, not at this very instant.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Survivors(marker).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Empty(Survivors(marker));
    }

    private static List<string> Survivors(string marker) =>
        [.. Directory.EnumerateDirectories("/proc").Where(d =>
            int.TryParse(Path.GetFileName(d), out _) && TryRead(d + "/cmdline").Contains(marker) && !TryRead(d + "/stat").Contains(") Z"))];

    [Fact]
    public async Task A_failing_job_records_the_one_line_error()
    {
        var runner = new JobRunner();
        runner.TryStart(JobKind.Switch, _ => throw new Errors.BadInputException("--system 'x': not a store path"), out var job);

        await job.Completion;

        Assert.Equal(JobState.Failed, job.State);
        Assert.Equal("--system 'x': not a store path", job.Error);
        Assert.Equal("done", job.Events[^1].Type);
    }

    private static string TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
