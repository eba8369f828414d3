using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using QiTech.Control.Server.Daemon;

namespace QiTech.Control.Server.Api;

/// <summary>Service logs (followed as SSE), restarting a service, rebooting.</summary>
public static class ServicesApi
{
    public static void MapServicesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/logs/{unit}", async (string unit, int? lines, bool? follow, IServiceControl daemon, CancellationToken cancel) =>
            {
                var name = ApiInput.Unit(unit);
                var count = ApiInput.Lines(lines);
                if (follow == true)
                {
                    return TypedResults.ServerSentEvents(AsEvents(daemon.FollowLogAsync(name, count, cancel), cancel));
                }
                var text = await daemon.ReadLogAsync(name, count, cancel);
                return Results.Text(string.Concat(text.Select(l => l + "\n")), "text/plain; charset=utf-8");
            })
            .WithSummary("The last lines of a service's log; with follow=true, new lines as SSE 'log' events");
        api.MapPost("/services/{unit}/restart", async (string unit, IServiceControl daemon, CancellationToken cancel) =>
            {
                await daemon.RestartServiceAsync(ApiInput.Unit(unit), cancel);
                return TypedResults.NoContent();
            })
            .WithSummary("Restart one service");
        api.MapPost("/reboot", async (IServiceControl daemon, CancellationToken cancel) =>
            {
                await daemon.RebootAsync(cancel);
                return TypedResults.Accepted((string?)null);
            })
            .WithSummary("Reboot (embedded mode: the daemon restarts as init)");
    }

    private static async IAsyncEnumerable<SseItem<string>> AsEvents(IAsyncEnumerable<string> lines, [EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (var line in lines.WithCancellation(cancel))
        {
            yield return new SseItem<string>(line, "log");
        }
    }
}
