using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Jobs;
using QiTech.Os.Services;

namespace QiTech.Os.Daemon.Api;

/// <summary><c>GET /v1/logs/{unit}?lines=N&amp;follow=bool</c>: the last lines as text, or SSE when following.</summary>
public static class LogEndpoints
{
    public const int MaxLines = 100_000;

    public static void MapLogEndpoints(this WebApplication app)
    {
        app.MapGet(DaemonEndpoints.Logs.Route, async (string unit, int? lines, bool? follow, HttpContext context, SystemHost host, IOptions<JsonOptions> json) =>
        {
            var name = UnitName.Normalize(unit);
            var count = lines ?? 100;
            if (count is < 0 or > MaxLines)
            {
                throw new BadInputException($"lines={count}: give 0 to {MaxLines}");
            }
            var path = ServiceLogReader.PathFor(host.Layout, name);
            if (RotatingLog.Files(path).Count == 0 && follow != true)
            {
                await ErrorMapping.Problem(context, StatusCodes.Status404NotFound, $"{name}: no log yet ({path})");
                return;
            }
            if (follow != true)
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                var tail = ServiceLogReader.Tail(path, count);
                await context.Response.WriteAsync(tail.Count == 0 ? "" : string.Join('\n', tail) + "\n", context.RequestAborted);
                return;
            }
            var sse = new ServerSentEvents(context.Response);
            await sse.StartAsync(context.RequestAborted);
            await foreach (var line in ServiceLogReader.Follow(path, count, TimeSpan.FromMilliseconds(200), context.RequestAborted))
            {
                await sse.WriteAsync(JobEvent.Log, JsonSerializer.Serialize(new LogEvent(line), json.Value.SerializerOptions.GetTypeInfo(typeof(LogEvent))), null, context.RequestAborted);
            }
        });
    }
}
