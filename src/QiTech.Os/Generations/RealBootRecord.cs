namespace QiTech.Os.Generations;

/// <summary>What the daemon's start recorded of a real boot: whether it is the first start of this boot, and notes for the log.</summary>
public sealed record RealBootRecord(bool FirstStart, IReadOnlyList<string> Notes);
