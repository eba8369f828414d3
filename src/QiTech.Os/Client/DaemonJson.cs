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
    IReadOnlyList<DaemonService> Services,
    DaemonBootFallback? BootFallback = null);

/// <summary>The running boot fell back: the boot loader passed over <see cref="From"/> (no boot tries left) for <see cref="To"/>.</summary>
public sealed record DaemonBootFallback(int From, int To, string Reason);

/// <summary>One service: <see cref="State"/> is inactive, starting, running, stopping or failed.</summary>
public sealed record DaemonService(string Name, string State, int? Pid, long? UptimeSeconds, int Restarts, string? LastError);

/// <summary>One step of a job; <see cref="SecondsLeft"/> is the step's own estimate, when it gives one.</summary>
public sealed record DaemonJobStep(string Name, string State, int? Percent, int? SecondsLeft = null);

/// <summary>A job: <see cref="State"/> is running, succeeded, failed or cancelled; <see cref="Result"/> depends on the kind.</summary>
public sealed record DaemonJob(int Id, string Kind, string State, IReadOnlyList<DaemonJobStep> Steps, string? Error, JsonElement? Result, int? ExitCode = null);

/// <summary>One Server-Sent Event: <see cref="Type"/> step, log, progress or done; <see cref="Data"/> is JSON.</summary>
public sealed record DaemonEvent(int? Id, string Type, string Data)
{
    public DaemonStepEvent? AsStep() => Type == "step" ? JsonSerializer.Deserialize(Data, DaemonClientJson.Default.DaemonStepEvent) : null;

    public DaemonProgressEvent? AsProgress() => Type == "progress" ? JsonSerializer.Deserialize(Data, DaemonClientJson.Default.DaemonProgressEvent) : null;

    public string? AsLogLine() => Type == "log" ? JsonSerializer.Deserialize(Data, DaemonClientJson.Default.LogLine)?.Line : null;
}

public sealed record DaemonProblem(string? Title, int? Status, string? Detail, int? JobId);

public sealed record DaemonJobStarted(int JobId);

/// <summary>The update source; <see cref="HasToken"/> says whether a private-repository token is set (it is never returned).</summary>
public sealed record DaemonUpdateSource(string? Url, bool HasToken);

/// <summary>A tag, branch or commit of the update source; <see cref="Date"/> is the commit date in ISO 8601.</summary>
public sealed record DaemonUpdateTarget(string Kind, string Name, string Commit, string? Date, string? Subject, bool OlderThanRunning, bool Running);

public sealed record DaemonChangelog(string Ref, string Text);

internal sealed record ActivateBody(string? StorePath, int? Generation, string Mode, bool? NoRollback = null);

internal sealed record ModeBody(string Mode);

internal sealed record InstallBody(string Ref, string Mode, string? Source, string? ConfigFile, bool? NoRollback = null);

/// <summary>A "step" event: a step began (running) or ended (succeeded, failed, cancelled).</summary>
public sealed record DaemonStepEvent(string Name, string State);

/// <summary>A "progress" event of the running step.</summary>
public sealed record DaemonProgressEvent(string Step, int? Percent, int? SecondsLeft);

internal sealed record SpecBody(string Spec);

internal sealed record GcBody(bool DryRun);

internal sealed record UrlBody(string Url);

internal sealed record TokenBody(string Token);

internal sealed record LogLine(string Line);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DaemonStatus))]
[JsonSerializable(typeof(DaemonJob))]
[JsonSerializable(typeof(List<DaemonJob>))]
[JsonSerializable(typeof(List<GenerationJson>))]
[JsonSerializable(typeof(DaemonProblem))]
[JsonSerializable(typeof(DaemonJobStarted))]
[JsonSerializable(typeof(DaemonUpdateSource))]
[JsonSerializable(typeof(List<DaemonUpdateTarget>))]
[JsonSerializable(typeof(DaemonChangelog))]
[JsonSerializable(typeof(ActivateBody))]
[JsonSerializable(typeof(ModeBody))]
[JsonSerializable(typeof(InstallBody))]
[JsonSerializable(typeof(DaemonStepEvent))]
[JsonSerializable(typeof(DaemonProgressEvent))]
[JsonSerializable(typeof(SpecBody))]
[JsonSerializable(typeof(GcBody))]
[JsonSerializable(typeof(UrlBody))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(LogLine))]
internal sealed partial class DaemonClientJson : JsonSerializerContext;
