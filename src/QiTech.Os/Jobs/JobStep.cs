using QiTech.Os.Health;

namespace QiTech.Os.Jobs;

/// <summary>
/// One named phase of a job ("stop units", "flip /etc"), with optional progress, an estimate
/// of the seconds it still needs, when it started and ended, and the part it is working on
/// (the package of a "build packages" step).
/// </summary>
public sealed record JobStep(string Name, JobState State, int? Percent, int? SecondsLeft = null, DateTimeOffset? Started = null,
    DateTimeOffset? Finished = null, JobPart? Part = null);

/// <summary>
/// The part of a step in hand: number <see cref="Number"/> (from 1) of <see cref="Count"/>,
/// named <see cref="Name"/>; <see cref="SecondsLeft"/> is its own estimate, null while there is
/// none (never built before, or it already took longer than last time).
/// </summary>
public sealed record JobPart(int Number, int Count, string Name, int? SecondsLeft);
