using QiTech.Os.Client;

namespace QiTech.Control.Server.Components;

/// <summary>
/// What a page shows when a daemon call failed: a title that says what happened — the daemon
/// refused (its own reason is the message), failed, or really did not answer — and the cause.
/// </summary>
public sealed record PageError(string Title, string Message)
{
    public static PageError Of(Exception e) => new(e switch
    {
        DaemonException { Status: >= 400 and < 500 } => "The system daemon refused",
        DaemonException => "The system daemon failed",
        _ => "The system daemon did not answer",
    }, Format.Failure(e));
}
