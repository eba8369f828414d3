using QiTech.Os.Contract;
using QiTech.Os.Generations;

namespace QiTech.Os.Daemon.Api;

public static class StatusEndpoints
{
    public static void MapStatusEndpoints(this WebApplication app)
    {
        app.MapGet(DaemonEndpoints.Status.Route, async (SystemHost host, CancellationToken cancel) =>
            StatusJson.Of(host.Manager, host.Services == null ? [] : await host.Services.StatusAsync(cancel), embedded: host.Supervisor != null));
    }
}
