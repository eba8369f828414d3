using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using QiTech.Control.Server.Daemon;
using QiTech.Os.Client;

namespace QiTech.Control.Server.Api;

/// <summary>Jobs: their state, their events as Server-Sent Events, cancelling.</summary>
public static class JobsApi
{
    public static void MapJobsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/jobs", (IJobMonitor daemon, CancellationToken cancel) => daemon.GetJobsAsync(cancel))
            .WithSummary("Known jobs");
        api.MapGet("/jobs/{id:int}", async (int id, IJobMonitor daemon, CancellationToken cancel) =>
                await daemon.GetJobAsync(id, cancel) is { } job ? Results.Ok(job) : NotFound(id))
            .WithSummary("One job: state, steps, error");
        api.MapGet("/jobs/{id:int}/events", async (int id, IJobMonitor daemon, CancellationToken cancel) =>
                await daemon.GetJobAsync(id, cancel) is null
                    ? NotFound(id)
                    : TypedResults.ServerSentEvents(Relay(daemon.WatchJobAsync(id, cancel), cancel)))
            .WithSummary("The job's events: step, log, progress, done (SSE)");
        api.MapPost("/jobs/{id:int}/cancel", async (int id, IJobMonitor daemon, CancellationToken cancel) =>
            {
                await daemon.CancelJobAsync(id, cancel);
                return TypedResults.NoContent();
            })
            .WithSummary("Cancel the running job");
    }

    private static IResult NotFound(int id) =>
        Results.Problem(detail: $"job {id}: not known to the daemon", statusCode: StatusCodes.Status404NotFound, title: "no such job");

    private static async IAsyncEnumerable<SseItem<string>> Relay(IAsyncEnumerable<DaemonEvent> events, [EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (var e in events.WithCancellation(cancel))
        {
            yield return new SseItem<string>(e.Data, e.Type);
        }
    }
}
