using System.Text.Json;
using System.Text.Json.Serialization;
using QiTech.Os.Generations;

namespace QiTech.Os.Client;

/// <summary><c>GET /v1/status</c> as clients read it (see docs/daemon-api.md).</summary>
public sealed record DaemonStatus(
    GenerationJson? Current,
    GenerationJson? Booted,
    GenerationJson? BootDefault,
    string? CurrentSystem,
    string? BootedSystem,
    bool Embedded,
    IReadOnlyList<DaemonService> Services);

/// <summary>One service: <see cref="State"/> is inactive, starting, running, stopping or failed.</summary>
public sealed record DaemonService(string Name, string State, int? Pid, long? UptimeSeconds, int Restarts, string? LastError);

public sealed record DaemonJobStep(string Name, string State, int? Percent);

/// <summary>A job: <see cref="State"/> is running, succeeded, failed or cancelled; <see cref="Result"/> depends on the kind.</summary>
public sealed record DaemonJob(int Id, string Kind, string State, IReadOnlyList<DaemonJobStep> Steps, string? Error, JsonElement? Result);

/// <summary>One Server-Sent Event: <see cref="Type"/> step, log, progress or done; <see cref="Data"/> is JSON.</summary>
public sealed record DaemonEvent(int? Id, string Type, string Data);

public sealed record DaemonProblem(string? Title, int? Status, string? Detail, int? JobId);

public sealed record DaemonJobStarted(int JobId);

internal sealed record ActivateBody(string? StorePath, int? Generation, string Mode);

internal sealed record ModeBody(string Mode);

internal sealed record SpecBody(string Spec);

internal sealed record LogLine(string Line);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DaemonStatus))]
[JsonSerializable(typeof(DaemonJob))]
[JsonSerializable(typeof(List<DaemonJob>))]
[JsonSerializable(typeof(List<GenerationJson>))]
[JsonSerializable(typeof(DaemonProblem))]
[JsonSerializable(typeof(DaemonJobStarted))]
[JsonSerializable(typeof(ActivateBody))]
[JsonSerializable(typeof(ModeBody))]
[JsonSerializable(typeof(SpecBody))]
[JsonSerializable(typeof(LogLine))]
internal sealed partial class DaemonClientJson : JsonSerializerContext;
