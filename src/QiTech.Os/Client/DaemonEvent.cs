namespace QiTech.Os.Client;

/// <summary>
/// One Server-Sent Event: <see cref="Type"/> step, log, progress or done; <see cref="Data"/>
/// the JSON as sent, <see cref="Value"/> the same as its record (a <c>StepEvent</c>,
/// <c>LogEvent</c>, <c>ProgressEvent</c> or <c>DoneEvent</c>), null for a type the contract does not know.
/// </summary>
public sealed record DaemonEvent(int? Id, string Type, string Data, object? Value);
