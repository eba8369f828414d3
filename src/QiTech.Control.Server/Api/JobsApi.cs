using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using QiTech.Control.Server.Daemon;

namespace QiTech.Control.Server.Api;

/// <summary>Jobs: their state, their events as Server-Sent Events, cancelling.</summary>
public static class JobsApi
{
    public static void MapJobsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/jobs", (IJobMonitor daemon, CancellationToken cancel) => daemon.GetJobsAsync(cancel))
            .WithSummary("Known jobs");
        api.MapGet("/jobs/{id:long}", async (long id, IJobMonitor daemon, CancellationToken cancel) =>
                await daemon.GetJobAsync(id, cancel) is { } job ? Results.Ok(job) : NotFound(id))
            .WithSummary("One job: state, steps, error");
        api.MapGet("/jobs/{id:long}/events", async (long id, IJobMonitor daemon, CancellationToken cancel) =>
                await daemon.GetJobAsync(id, cancel) is null
                    ? NotFound(id)
                    : TypedResults.ServerSentEvents(Relay(daemon.WatchJobAsync(id, cancel), cancel)))
            .WithSummary("The job's events: step, log, progress, done (SSE)");
        api.MapPost("/jobs/{id:long}/cancel", async (long id, IJobMonitor daemon, CancellationToken cancel) =>
            {
                await daemon.CancelJobAsync(id, cancel);
                return TypedResults.NoContent();
            })
            .WithSummary("Cancel the running job");
    }

    private static IResult NotFound(long id) =>
        Results.Problem(detail: $"job {id}: not known to the daemon", statusCode: StatusCodes.Status404NotFound, title: "no such job");

    private static async IAsyncEnumerable<SseItem<string>> Relay(IAsyncEnumerable<JobEvent> events, [EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (var e in events.WithCancellation(cancel))
        {
            yield return new SseItem<string>(e.Data, e.Type);
        }
    }
}
