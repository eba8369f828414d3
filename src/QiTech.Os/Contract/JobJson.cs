using System.Text.Json;
using System.Text.Json.Serialization;
using QiTech.Os.Health;
using QiTech.Os.Jobs;

namespace QiTech.Os.Contract;

/// <summary>
/// A job. <see cref="Result"/> depends on <see cref="Kind"/> and is read through
/// <see cref="DaemonJson"/> (<c>Activation</c>, <c>Update</c>, <c>Gc</c>, <c>BootOnce</c>…);
/// <see cref="ExitCode"/> is what the CLI exits with once it ended: 0, 2 for bad input, else 1.
/// </summary>
public sealed record JobJson(
    int Id,
    JobKind Kind,
    JobState State,
    IReadOnlyList<JobStepJson> Steps,
    string? Error,
    int? ExitCode,
    DateTimeOffset Created,
    DateTimeOffset? Finished,
    JsonElement? Result)
{
    [JsonIgnore]
    public bool IsRunning => State == JobState.Running;

    [JsonIgnore]
    public bool Succeeded => State == JobState.Succeeded;

    public static JobJson From(Job job, JsonSerializerOptions options) => new(
        job.Id,
        job.Kind,
        job.State,
        [.. job.Steps.Select(s => new JobStepJson(s.Name, s.State, s.Percent, s.SecondsLeft, s.Started, s.Finished, s.Part))],
        job.Error,
        job.ExitCode,
        job.Created,
        job.Finished,
        job.Result is { } result ? JsonSerializer.SerializeToElement(result, options.GetTypeInfo(result.GetType())) : null);
}

/// <summary>
/// One step of a job; <see cref="SecondsLeft"/> is the step's own estimate, when it gives one;
/// <see cref="Started"/> and <see cref="Finished"/> its times; <see cref="Part"/> the part in hand
/// (the package being built), when the step has parts.
/// </summary>
public sealed record JobStepJson(string Name, JobState State, int? Percent, int? SecondsLeft = null, DateTimeOffset? Started = null,
    DateTimeOffset? Finished = null, JobPart? Part = null);

/// <summary>The answer to a request that started a job (202).</summary>
public sealed record JobStartedJson(int JobId);
