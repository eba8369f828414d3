using QiTech.Control.Server.Daemon;
using QiTech.Os.Contract;

namespace QiTech.Control.Server.Api;

/// <summary>Status and generations: list, switch, roll back, delete, collect garbage.</summary>
public static class SystemApi
{
    public static void MapSystemApi(this RouteGroupBuilder api)
    {
        api.MapGet("/status", (ISystemStatusSource daemon, CancellationToken cancel) => daemon.GetStatusAsync(cancel))
            .WithSummary("Current, booted and boot-default generations and each service's state");
        api.MapGet("/generations", (ISystemStatusSource daemon, CancellationToken cancel) => daemon.GetGenerationsAsync(cancel))
            .WithSummary("Every generation");
        api.MapPost("/activate", async (ActivateRequest request, IGenerationControl daemon, CancellationToken cancel) =>
                Started(await daemon.ActivateAsync(request, cancel)))
            .WithSummary("Switch to a generation or store path (switch, boot or test); starts a job");
        api.MapPost("/rollback", async (RollbackRequest request, IGenerationControl daemon, CancellationToken cancel) =>
                Started(await daemon.RollbackAsync(request.Mode, cancel)))
            .WithSummary("Go back to the previous generation (switch or boot); starts a job");
        api.MapDelete("/generations/{number:int}", async (int number, IGenerationControl daemon, CancellationToken cancel) =>
            {
                await daemon.DeleteGenerationAsync(ApiInput.Generation(number), cancel);
                return TypedResults.NoContent();
            })
            .WithSummary("Delete one generation (never the current, booted or boot default)");
        api.MapPost("/generations/delete", async (DeleteRequest request, IGenerationControl daemon, CancellationToken cancel) =>
            {
                await daemon.DeleteGenerationsAsync(request.Spec, cancel);
                return TypedResults.NoContent();
            })
            .WithSummary("Delete generations as delete-generations: numbers, +K (keep K) or Nd (older than N days)");
        api.MapPost("/gc", async (GcRequest request, IGenerationControl daemon, CancellationToken cancel) =>
                Started(await daemon.CollectGarbageAsync(request.DryRun, cancel)))
            .WithSummary("Collect unreachable store paths; starts a job");
    }

    internal static IResult Started(int jobId) =>
        TypedResults.Accepted($"/api/jobs/{jobId}", new JobStartedJson(jobId));
}
