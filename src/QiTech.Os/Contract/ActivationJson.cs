using System.Text.Json.Serialization;
using QiTech.Os.Activation;
using QiTech.Os.Generations;
using QiTech.Os.Nix;

namespace QiTech.Os.Contract;

/// <summary>
/// <c>POST /v1/activate</c>: exactly one of <see cref="StorePath"/> and <see cref="Generation"/>;
/// <see cref="Once"/> with mode boot and a generation boots it at the next boot only;
/// <see cref="NoRollback"/> keeps a version that fails its health checks running.
/// </summary>
public sealed record ActivateRequest(StorePath? StorePath, GenerationNumber? Generation, [property: JsonRequired] ActivationMode Mode, bool? Once = null, bool? NoRollback = null);

/// <summary><c>POST /v1/rollback</c>: switch or boot.</summary>
public sealed record RollbackRequest([property: JsonRequired] ActivationMode Mode);

/// <summary>The result of a switch, boot, test or rollback job, and an update's activation.</summary>
public sealed record ActivationJson(
    ActivationMode Mode,
    StorePath System,
    GenerationNumber? Generation,
    bool ServicesManaged,
    IReadOnlyList<string> Stopped,
    IReadOnlyList<string> Started,
    IReadOnlyList<string> Restarted,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<UnitFailureJson> Failures,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<GenerationNumber> Pruned,
    IReadOnlyList<UnitHealthJson>? Health = null,
    RollbackJson? Rollback = null)
{
    public static ActivationJson From(ActivationResult result) => new(
        result.Mode,
        result.System,
        result.Generation,
        result.ServicesManaged,
        result.Plan.Stop,
        result.Plan.Start,
        result.Plan.Restart,
        result.Plan.Unchanged,
        [.. result.Failures.Select(f => new UnitFailureJson(f.Unit, f.Action, f.Reason, f.LastLogLines))],
        result.Warnings,
        result.Pruned,
        [.. result.Checks.Select(h => new UnitHealthJson(h.Unit, h.Check, h.Passed, h.Detail))],
        result.Rollback is { } r ? RollbackJson.From(r) : null);
}

/// <summary>One unit's health check as it ended: the check in words, and what it last saw.</summary>
public sealed record UnitHealthJson(string Unit, string Check, bool Passed, string Detail);

/// <summary>
/// A version that did not start correctly: <see cref="Message"/> says which and what runs
/// instead, <see cref="Reason"/> which check and its last output; <see cref="RunningAgain"/> is
/// null when nothing was switched back (<c>noRollback</c>, or nothing ran before).
/// </summary>
public sealed record RollbackJson(
    string Message,
    string Reason,
    string? Unit,
    IReadOnlyList<string> LastLogLines,
    VersionRefJson Failed,
    VersionRefJson? RunningAgain,
    GenerationNumber? BootDefault,
    bool Cancelled)
{
    public static RollbackJson From(RollbackReport r) => new(
        r.Message, r.Reason, r.Unit, r.LastLogLines, VersionRefJson.From(r.Failed),
        r.RunningAgain is { } back ? VersionRefJson.From(back) : null, r.BootDefault, r.Cancelled);
}

/// <summary>A system as the operator names it: its version label and generation, when it is one.</summary>
public sealed record VersionRefJson(StorePath System, GenerationNumber? Generation, string Version)
{
    public static VersionRefJson From(VersionRef v) => new(v.System, v.Generation, v.Label);

    /// <summary>"v2 (generation 2)".</summary>
    public override string ToString() => Generation is { } n ? $"{Version} (generation {n})" : Version;
}

/// <summary>A unit that did not stop, start or restart, with why and its last log lines.</summary>
public sealed record UnitFailureJson(string Unit, string Action, string Reason, IReadOnlyList<string> LastLogLines);

/// <summary>The answer to mode dry-activate: the units a switch would touch and the lines <c>dry-activate</c> prints.</summary>
public sealed record PlanJson(IReadOnlyList<string> Stop, IReadOnlyList<string> Start, IReadOnlyList<string> Restart, IReadOnlyList<string> Unchanged, IReadOnlyList<string> Lines)
{
    public static PlanJson From(ActivationPlan plan) => new(plan.Stop, plan.Start, plan.Restart, plan.Unchanged, [.. plan.Describe()]);
}

/// <summary>The result of a boot-once job: <see cref="Generation"/> boots next, then <see cref="BootDefault"/> again.</summary>
public sealed record OneShotBootJson(GenerationNumber Generation, GenerationNumber? BootDefault, string BootLoader);

/// <summary>The result of a reboot job (embedded mode): the system booted, units that failed, notes.</summary>
public sealed record BootJson(StorePath? System, IReadOnlyList<string> Failures, IReadOnlyList<string> Notes);
