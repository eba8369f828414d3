using System.Diagnostics;
using QiTech.Os.Health;
using QiTech.Os.Platform;

namespace QiTech.Os.Jobs;

/// <summary>What a job's work uses to report steps, progress and log lines, to run programs, and to refuse a cancel it cannot honour.</summary>
public sealed class JobContext(Job job) : ICancelGuard
{
    public CancellationToken Cancel => job.CancellationToken;

    public int JobId => job.Id;

    public void Step(string name) => job.BeginStep(name);

    /// <summary>Ends the running step with <paramref name="state"/> (a step that failed while the job goes on).</summary>
    public void EndStep(JobState state) => job.EndStep(state);

    public void Progress(int percent) => job.ReportProgress(Math.Clamp(percent, 0, 100));

    /// <summary>How long the running step still needs, by its own estimate (rounded up to whole seconds); null: no estimate now.</summary>
    public void TimeLeft(TimeSpan? left) => job.ReportTimeLeft(Seconds(left));

    /// <summary>The part the running step works on (package <paramref name="number"/> of <paramref name="count"/>) and its own estimate.</summary>
    public void Part(int number, int count, string name, TimeSpan? left) => job.ReportPart(new JobPart(number, count, name, Seconds(left)));

    private static int? Seconds(TimeSpan? left) => left is { } l ? (int)Math.Ceiling(Math.Max(0, l.TotalSeconds)) : null;

    public void Log(string line) => job.Log(line);

    /// <summary>Log lines as an <see cref="IProgress{T}"/> for the core operations.</summary>
    public IProgress<string> LogProgress { get; } = new LineProgress(job);

    public void SetResult(object? result) => job.Result = result;

    public bool RefuseCancel(string reason) => job.TryRefuseCancel(reason);

    public void AllowCancel() => job.AllowCancel();

    /// <summary>
    /// Runs a program (no shell), its output lines into the job's log; cancelling the job
    /// kills the program and every process it started. Returns the exit status.
    /// </summary>
    public Task<int> RunProcessAsync(string file, IEnumerable<string> arguments) =>
        ProcessRunner.RunLinesAsync(new ProcessCommand(file, [.. arguments]), Log, Cancel);

    private sealed class LineProgress(Job job) : IProgress<string>
    {
        public void Report(string value) => job.Log(value);
    }
}
