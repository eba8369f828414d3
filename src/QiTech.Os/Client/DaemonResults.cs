using System.Text.Json;
using System.Text.Json.Serialization;

namespace QiTech.Os.Client;

/// <summary>The <c>result</c> of a switch, boot, test or rollback job (docs/daemon-api.md).</summary>
public sealed record DaemonActivation(
    string Mode,
    string System,
    int? Generation,
    bool ServicesManaged,
    IReadOnlyList<string> Stopped,
    IReadOnlyList<string> Started,
    IReadOnlyList<string> Restarted,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<DaemonUnitFailure> Failures,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<int> Pruned,
    IReadOnlyList<DaemonUnitHealth>? Health = null,
    DaemonRollback? Rollback = null)
{
    /// <summary>The activation of a switch, boot, test or rollback job, or of an update job (its <c>activation</c>).</summary>
    public static DaemonActivation? From(DaemonJob job) =>
        job.Result is { ValueKind: JsonValueKind.Object } result
            ? result.TryGetProperty("servicesManaged", out _) ? result.Deserialize(DaemonResultJson.Default.DaemonActivation)
            : result.TryGetProperty("activation", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner.Deserialize(DaemonResultJson.Default.DaemonActivation)
            : null
            : null;
}

/// <summary>One unit's health check as it ended.</summary>
public sealed record DaemonUnitHealth(string Unit, string Check, bool Passed, string Detail);

/// <summary>
/// A version that did not start correctly: <see cref="Message"/> says which and what runs
/// instead ("version v2 (generation 2) did not start correctly; version v1 (generation 1) is
/// running again"), <see cref="Reason"/> which check and its last output.
/// </summary>
public sealed record DaemonRollback(
    string Message,
    string Reason,
    string? Unit,
    IReadOnlyList<string> LastLogLines,
    DaemonVersionRef Failed,
    DaemonVersionRef? RunningAgain,
    int? BootDefault,
    bool Cancelled);

public sealed record DaemonVersionRef(string System, int? Generation, string Version);

public sealed record DaemonUnitFailure(string Unit, string Action, string Reason, IReadOnlyList<string> LastLogLines);

/// <summary>The <c>result</c> of a one-shot boot job: which generation boots next, which after it.</summary>
public sealed record DaemonOneShotBoot(int Generation, int? BootDefault, string BootLoader)
{
    public static DaemonOneShotBoot? From(DaemonJob job) => job.Result?.Deserialize(DaemonResultJson.Default.DaemonOneShotBoot);
}

/// <summary>The <c>result</c> of a gc job.</summary>
public sealed record DaemonGc(bool DryRun, IReadOnlyList<string> Deleted, long BytesFreed)
{
    public static DaemonGc? From(DaemonJob job) => job.Result?.Deserialize(DaemonResultJson.Default.DaemonGc);
}

/// <summary>The answer of <c>POST /v1/generations/delete</c>.</summary>
public sealed record DaemonDeletion(IReadOnlyList<int> Deleted, IReadOnlyList<DaemonKept> Kept)
{
    public static DaemonDeletion From(JsonElement answer) =>
        answer.Deserialize(DaemonResultJson.Default.DaemonDeletion) ?? throw new JsonException("empty deletion answer");
}

public sealed record DaemonKept(int Number, string Reason);

internal sealed record OneShotBody(int Generation, string Mode, bool Once);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DaemonActivation))]
[JsonSerializable(typeof(DaemonOneShotBoot))]
[JsonSerializable(typeof(DaemonGc))]
[JsonSerializable(typeof(DaemonDeletion))]
[JsonSerializable(typeof(OneShotBody))]
internal sealed partial class DaemonResultJson : JsonSerializerContext;
