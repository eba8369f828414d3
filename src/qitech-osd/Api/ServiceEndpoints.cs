using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Jobs;
using QiTech.Os.Services;

namespace QiTech.Os.Daemon.Api;

/// <summary>Restarting one service, and the embedded reboot.</summary>
public static class ServiceEndpoints
{
    public static void MapServiceEndpoints(this WebApplication app)
    {
        app.MapPost(DaemonEndpoints.RestartService.Route, async (string unit, SystemHost host, JobRunner runner) =>
        {
            var name = UnitName.Normalize(unit);
            var services = host.Services ?? throw new QiTechOsException("no service manager: start the daemon with --embedded, or on a systemd machine", 2);
            return await JobResults.RunToEnd(runner, JobKind.Restart, async context =>
            {
                context.Step($"restart {name}");
                await services.RestartAsync(name, context.Cancel);
                var status = (await services.StatusAsync(context.Cancel)).FirstOrDefault(s => s.Name == name);
                return status == null ? null : ServiceJson.From(status);
            });
        });

        app.MapPost(DaemonEndpoints.Reboot.Route, (SystemHost host, JobRunner runner) =>
        {
            if (host.Supervisor == null)
            {
                throw new QiTechOsException("reboot is served in embedded mode only; on a real machine use systemctl reboot", 2);
            }
            return JobResults.Start(runner, JobKind.Reboot, async context =>
            {
                context.Step("reboot");
                var report = await host.RebootAsync(context.LogProgress, context.Cancel);
                context.SetResult(new BootJson(report.System, report.Failures, report.Notes));
                if (report.Pending is { } pending)
                {
                    await BootCheck.RunAsync(host, pending, context);
                }
            });
        });
    }
}
