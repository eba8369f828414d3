using QiTech.Os.Health;

namespace QiTech.Os.Jobs;

// The data of a job's events, one record per event type (docs/daemon-api.md).

/// <summary>"step": a step began (running) or ended (succeeded, failed, cancelled).</summary>
public sealed record StepEvent(string Name, JobState State);

/// <summary>
/// "progress" of the running step; <see cref="SecondsLeft"/> is its own estimate, when it gives one;
/// <see cref="Part"/> the part in hand (a package), when the step has parts.
/// </summary>
public sealed record ProgressEvent(string Step, int? Percent, int? SecondsLeft, JobPart? Part = null);

/// <summary>"log": one line of the job's (or a followed service's) output.</summary>
public sealed record LogEvent(string Line);

/// <summary>"done": how the job ended.</summary>
public sealed record DoneEvent(JobState State, string? Error);
