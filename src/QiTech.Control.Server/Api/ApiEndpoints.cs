using Microsoft.AspNetCore.Antiforgery;
using QiTech.Control.Server.Security;

namespace QiTech.Control.Server.Api;

/// <summary>
/// The REST + Server-Sent Events API under <c>/api</c>: the daemon's operations for scripts
/// and fleets. Reads are open to whoever may use the server; every other method passes the
/// cross-site request check.
/// </summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapControlApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api")
            .AddEndpointFilter<DaemonErrorFilter>()
            .AddEndpointFilter<AntiforgeryCheck>()
            .WithTags("control");
        api.MapGet("/antiforgery", (HttpContext context, IAntiforgery antiforgery) =>
            {
                var tokens = antiforgery.GetAndStoreTokens(context);
                return TypedResults.Ok(new AntiforgeryToken(AntiforgeryCheck.HeaderName, tokens.RequestToken ?? ""));
            })
            .WithSummary("A token for the X-CSRF-TOKEN header of mutating calls (sets its cookie)");
        api.MapSystemApi();
        api.MapJobsApi();
        api.MapUpdateApi();
        api.MapServicesApi();
        return app;
    }
}

public sealed record AntiforgeryToken(string HeaderName, string Token);
