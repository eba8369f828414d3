using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using QiTech.Os.Jobs;

namespace QiTech.Os.Daemon.Api;

/// <summary>Jobs: list, one, its events as Server-Sent Events (replayed from the start), cancel.</summary>
public static class JobEndpoints
{
    public static void MapJobEndpoints(this WebApplication app)
    {
        app.MapGet("/v1/jobs", (JobRunner runner) => runner.All().Select(JobJson.From).ToList());

        app.MapGet("/v1/jobs/{id:int}", (int id, JobRunner runner) =>
            runner.Find(id) is { } job ? Results.Ok(JobJson.From(job)) : NotFound(id));

        app.MapGet("/v1/jobs/{id:int}/events", async (int id, HttpContext context, JobRunner runner, IOptions<JsonOptions> json) =>
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
                    await sse.WriteAsync(e.Type, JsonSerializer.Serialize(e.Data, json.Value.SerializerOptions), e.Sequence, context.RequestAborted);
                }
            }
        });

        app.MapPost("/v1/jobs/{id:int}/cancel", (int id, JobRunner runner) =>
        {
            if (runner.Find(id) is not { } job)
            {
                return NotFound(id);
            }
            if (job.State != JobState.Running)
            {
                return ErrorMapping.ProblemResult(StatusCodes.Status409Conflict, $"job {id} has already ended ({job.State.ToString().ToLowerInvariant()})");
            }
            job.Cancel();
            return Results.Accepted($"/v1/jobs/{id}", JobJson.From(job));
        });
    }

    private static IResult NotFound(int id) => ErrorMapping.ProblemResult(StatusCodes.Status404NotFound, $"job {id} does not exist");
}
