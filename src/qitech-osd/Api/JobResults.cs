using System.Runtime.ExceptionServices;
using QiTech.Os.Contract;
using QiTech.Os.Jobs;

namespace QiTech.Os.Daemon.Api;

/// <summary>Starting jobs from endpoints: 202 with the id, or 409 naming the job that runs.</summary>
public static class JobResults
{
    public static IResult Start(JobRunner runner, JobKind kind, Func<JobContext, Task> work) =>
        runner.TryStart(kind, work, out var job)
            ? Results.Accepted($"/v1/jobs/{job.Id}", new JobStartedJson(job.Id))
            : Busy(job);

    /// <summary>409 naming the running job ("update 7 is running", "job 7 (gc) is running").</summary>
    public static IResult Busy(Job running) =>
        ErrorMapping.ProblemResult(
            StatusCodes.Status409Conflict,
            running.Kind == JobKind.Update ? $"update {running.Id} is running" : $"job {running.Id} ({DaemonJson.WireName(running.Kind)}) is running",
            running.Id);

    /// <summary>
    /// A short change that still counts as a job (one at a time, listed), answered when done:
    /// its result, or its exception as a problem.
    /// </summary>
    public static async Task<IResult> RunToEnd<T>(JobRunner runner, JobKind kind, Func<JobContext, Task<T>> work)
    {
        Exception? failure = null;
        T? result = default;
        if (!runner.TryStart(kind, async context =>
            {
                try
                {
                    result = await work(context);
                    context.SetResult(result);
                }
                catch (Exception e)
                {
                    failure = e;
                    throw;
                }
            }, out var job))
        {
            return Busy(job);
        }
        await job.Completion;
        if (failure != null)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }
        return Results.Ok(result);
    }
}
