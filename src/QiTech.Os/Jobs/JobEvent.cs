namespace QiTech.Os.Jobs;

/// <summary>
/// What subscribers receive, in order, numbered from 1. <see cref="Type"/> is "step",
/// "log", "progress" or "done" (the Server-Sent Event's name); <see cref="Data"/> is the
/// matching <see cref="StepEvent"/>, <see cref="LogEvent"/>, <see cref="ProgressEvent"/> or
/// <see cref="DoneEvent"/>, serialised as JSON.
/// </summary>
public sealed record JobEvent(int Sequence, object Data)
{
    public const string Step = "step";
    public const string Log = "log";
    public const string Progress = "progress";
    public const string Done = "done";

    public string Type => TypeOf(Data);

    public static string TypeOf(object data) => data switch
    {
        StepEvent => Step,
        LogEvent => Log,
        ProgressEvent => Progress,
        DoneEvent => Done,
        _ => throw new ArgumentException($"{data.GetType().Name} is not a job event", nameof(data)),
    };
}
