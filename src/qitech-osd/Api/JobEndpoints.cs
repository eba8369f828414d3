using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using QiTech.Os.Contract;
using QiTech.Os.Health;
using QiTech.Os.Jobs;

namespace QiTech.Os.Daemon.Api;

/// <summary>Jobs: list, one, its events as Server-Sent Events (replayed from the start), cancel (refused while the job cannot honour it).</summary>
public static class JobEndpoints
{
    public static void MapJobEndpoints(this WebApplication app)
    {
        app.MapGet(DaemonEndpoints.Jobs.Route, (JobRunner runner, IOptions<JsonOptions> json) =>
            runner.All().Select(job => JobJson.From(job, json.Value.SerializerOptions)).ToList());

        app.MapGet(DaemonEndpoints.Job.Route, (int id, JobRunner runner, IOptions<JsonOptions> json) =>
            runner.Find(id) is { } job ? Results.Ok(JobJson.From(job, json.Value.SerializerOptions)) : NotFound(id));

        app.MapGet(DaemonEndpoints.JobEvents.Route, async (int id, HttpContext context, JobRunner runner, IOptions<JsonOptions> json) =>
        {
            if (runner.Find(id) is not { } job)
            {
                await NotFound(id).ExecuteAsync(context);
                return;
            }
            // A reconnecting client sends the last id it saw: resume after it.
            var after = int.TryParse(context.Request.Headers["Last-Event-ID"], out var last) ? last : 0;
            var sse = new ServerSentEvents(context.Response);
            await foreach (var e in job.Subscribe(context.RequestAborted))
            {
                if (e.Sequence > after)
                {
                    await sse.WriteAsync(e.Type, JsonSerializer.Serialize(e.Data, json.Value.SerializerOptions.GetTypeInfo(e.Data.GetType())), e.Sequence, context.RequestAborted);
                }
            }
        });

        app.MapPost(DaemonEndpoints.CancelJob.Route, (int id, JobRunner runner, IOptions<JsonOptions> json) =>
        {
            if (runner.Find(id) is not { } job)
            {
                return NotFound(id);
            }
            if (job.State != JobState.Running)
            {
                return ErrorMapping.ProblemResult(StatusCodes.Status409Conflict, $"job {id} has already ended ({DaemonJson.WireName(job.State)})");
            }
            if (!job.TryCancel(out var refusal))
            {
                // The job is where a cancel cannot stop it (an activation): say so, rather than take it and do nothing.
                return ErrorMapping.ProblemResult(StatusCodes.Status409Conflict, refusal!, id);
            }
            return Results.Accepted($"/v1/jobs/{id}", JobJson.From(job, json.Value.SerializerOptions));
        });
    }

    private static IResult NotFound(int id) => ErrorMapping.ProblemResult(StatusCodes.Status404NotFound, $"job {id} does not exist");
}
