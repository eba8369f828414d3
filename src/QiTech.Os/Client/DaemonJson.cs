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
public sealed record DaemonEvent(int? Id, string Type, string Data)
{
    /// <summary>The line of a log event (<c>{line}</c>), else null.</summary>
    public string? LogLine()
    {
        if (Type != "log")
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(Data, DaemonClientJson.Default.LogLine)?.Line;
        }
        catch (JsonException)
        {
            // A bare line: what an older daemon sends.
            return Data;
        }
    }

    /// <summary>A progress event's figures (<c>{step, percent, secondsLeft?}</c>), else null.</summary>
    public DaemonProgress? Progress()
    {
        if (Type != "progress")
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(Data, DaemonClientJson.Default.DaemonProgress);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>How far a step is; <see cref="SecondsLeft"/> when the daemon can estimate it.</summary>
public sealed record DaemonProgress(string? Step, int? Percent, double? SecondsLeft);

public sealed record DaemonProblem(string? Title, int? Status, string? Detail, int? JobId);

public sealed record DaemonJobStarted(int JobId);

/// <summary>The update source; <see cref="HasToken"/> says whether a private-repository token is set (it is never returned).</summary>
public sealed record DaemonUpdateSource(string? Url, bool HasToken);

/// <summary>A tag, branch or commit of the update source; <see cref="Date"/> is the commit date in ISO 8601.</summary>
public sealed record DaemonUpdateTarget(string Kind, string Name, string Commit, string? Date, string? Subject, bool OlderThanRunning, bool Running);

public sealed record DaemonChangelog(string Ref, string Text);

internal sealed record ActivateBody(string? StorePath, int? Generation, string Mode);

internal sealed record ModeBody(string Mode);

internal sealed record SpecBody(string Spec);

internal sealed record GcBody(bool DryRun);

internal sealed record UrlBody(string Url);

internal sealed record TokenBody(string Token);

internal sealed record InstallBody(string Ref, string Mode, string? Source);

internal sealed record LogLine(string Line);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DaemonStatus))]
[JsonSerializable(typeof(DaemonJob))]
[JsonSerializable(typeof(List<DaemonJob>))]
[JsonSerializable(typeof(List<GenerationJson>))]
[JsonSerializable(typeof(DaemonProblem))]
[JsonSerializable(typeof(DaemonJobStarted))]
[JsonSerializable(typeof(DaemonProgress))]
[JsonSerializable(typeof(DaemonUpdateSource))]
[JsonSerializable(typeof(List<DaemonUpdateTarget>))]
[JsonSerializable(typeof(DaemonChangelog))]
[JsonSerializable(typeof(ActivateBody))]
[JsonSerializable(typeof(ModeBody))]
[JsonSerializable(typeof(SpecBody))]
[JsonSerializable(typeof(GcBody))]
[JsonSerializable(typeof(UrlBody))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(InstallBody))]
[JsonSerializable(typeof(LogLine))]
internal sealed partial class DaemonClientJson : JsonSerializerContext;
