using QiTech.Os.Contract;
using QiTech.Os.Generations;

namespace QiTech.Os.Daemon.Api;

public static class StatusEndpoints
{
    public static void MapStatusEndpoints(this WebApplication app)
    {
        app.MapGet(DaemonEndpoints.Status.Route, async (SystemHost host, CancellationToken cancel) =>
        {
            var generations = host.Manager.ListGenerations(withDiskCost: false);
            var state = host.Manager.State();
            var services = host.Services == null ? [] : await host.Services.StatusAsync(cancel);
            return new StatusJson(
                Pick(g => g.Current),
                Pick(g => g.Booted),
                Pick(g => g.BootDefault),
                state.CurrentSystem,
                state.BootedSystem,
                host.Supervisor != null,
                services.Select(ServiceJson.From).ToList(),
                host.Manager.Fallback() is { } fallback ? BootFallbackJson.Of(fallback) : null);

            GenerationJson? Pick(Func<GenerationInfo, bool> which) =>
                generations.FirstOrDefault(which) is { } g ? GenerationJson.From(g) : null;
        });
    }
}
