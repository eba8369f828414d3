using QiTech.Os.Contract;
using QiTech.Os.Health;
using QiTech.Os.Jobs;

namespace QiTech.Control.Server.Components.Progress;

/// <summary>
/// A step as the progress page lists it: <see cref="State"/> is null for a step of the update
/// pipeline the daemon has not started: still to come while the job runs, not run once it ended.
/// </summary>
public sealed record StepView(string Name, JobState? State, int? Percent, int? SecondsLeft, DateTimeOffset? Started, DateTimeOffset? Finished, JobPart? Part)
{
    public static StepView From(JobStepJson step) =>
        new(step.Name, step.State, step.Percent, step.SecondsLeft, step.Started, step.Finished, step.Part);

    public static StepView Pending(string name) => new(name, null, null, null, null, null, null);

    /// <summary>How long the step ran, or has run until <paramref name="now"/>; null when the daemon gave no start.</summary>
    public TimeSpan? Elapsed(DateTimeOffset now) =>
        Started is { } started ? ((Finished ?? now) - started) is { Ticks: >= 0 } span ? span : TimeSpan.Zero : null;
}
