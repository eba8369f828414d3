using QiTech.Control.Server.Daemon;
using QiTech.Os.Client;
using QiTech.Os.Sources;

namespace QiTech.Control.Server.Api;

/// <summary>
/// <c>/health</c>: 200 when the server is up and the daemon answers, else 503; always with
/// the server's version. Open to everyone, so it tells nothing more.
/// </summary>
public static class HealthEndpoint
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (ISystemStatusSource daemon, ServerVersion version, CancellationToken cancel) =>
            {
                var reachable = true;
                try
                {
                    await daemon.GetStatusAsync(cancel);
                }
                catch (Exception e) when (e is DaemonUnavailableException or DaemonException)
                {
                    reachable = false;
                }
                var report = new HealthReport(reachable, version.Assembly, version.Generation, reachable);
                return Results.Json(report, statusCode: reachable ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            })
            .AllowAnonymous()
            .WithTags("health")
            .WithSummary("Readiness and version");
    }
}

public sealed record HealthReport(bool Ready, string Version, VersionInfo? Generation, bool DaemonReachable);
