namespace QiTech.Os.Jobs;

/// <summary>
/// What subscribers receive, in order, numbered from 1. <see cref="Type"/> is "step",
/// "log", "progress" or "done"; <see cref="Data"/> is serialised as JSON.
/// </summary>
public sealed record JobEvent(int Sequence, string Type, object Data);
