using QiTech.Os.Generations;
using QiTech.Os.Nix;

namespace QiTech.Os.Activation;

/// <summary>
/// A version that did not start correctly, and what runs instead: <see cref="RunningAgain"/>
/// is the version that ran before, switched back to live; null when nothing was switched back
/// (<c>--no-rollback</c>, or nothing ran before). <see cref="Reason"/> is one line: which
/// check, its last output. <see cref="BootDefault"/> is the boot default afterwards, never
/// the failed generation unless nothing else exists.
/// </summary>
public sealed record RollbackReport(
    VersionRef Failed,
    VersionRef? RunningAgain,
    string Reason,
    string? Unit,
    IReadOnlyList<string> LastLogLines,
    GenerationNumber? BootDefault,
    bool Cancelled)
{
    /// <summary>"version v2 (generation 2) did not start correctly; version v1 (generation 1) is running again".</summary>
    public string Message => RunningAgain is { } back
        ? $"version {Failed} {(Cancelled ? "was cancelled during its health check" : "did not start correctly")}; version {back} is running again"
        : $"version {Failed} {(Cancelled ? "was cancelled during its health check" : "did not start correctly")}; it keeps running"
            + (BootDefault is { } d && d != Failed.Generation ? $" until the next boot (the boot default is generation {d})" : "");
}

/// <summary>A system as the operator names it: its version label and generation, when it is one.</summary>
public sealed record VersionRef(StorePath System, GenerationNumber? Generation, string Label)
{
    public override string ToString() => Generation is { } n ? $"{Label} (generation {n})" : Label;
}
