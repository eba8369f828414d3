using Microsoft.Extensions.Logging;
using QiTech.Os.Health;

namespace QiTech.Os.Jobs;

/// <summary>What <see cref="JobRunner"/> writes to the daemon's log: a job's start, its end, and a failure (a crash with its stack).</summary>
internal static partial class JobLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "job {JobId} ({Kind}) started")]
    public static partial void Started(ILogger logger, int jobId, JobKind kind);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "job {JobId} ({Kind}) ended {State} after {Duration}")]
    public static partial void Ended(ILogger logger, int jobId, JobKind kind, JobState state, TimeSpan duration);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "job {JobId} ({Kind}) failed: {Error}")]
    public static partial void Failed(ILogger logger, int jobId, JobKind kind, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "job {JobId} ({Kind}) crashed")]
    public static partial void Crashed(ILogger logger, Exception exception, int jobId, JobKind kind);
}
