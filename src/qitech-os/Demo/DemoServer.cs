using System.Net;
using System.Text.Json;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Services;

namespace QiTech.Os.Cli.Demo;

/// <summary>
/// Where the demo's control server listens (<c>services.qitech</c> of the built system's
/// <c>configuration.json</c>) and waiting until its <c>/health</c> answers, or its unit fails.
/// </summary>
public sealed record DemoServer(int Port, string UnitName, string StateDirectory)
{
    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>The control server of a built system, or null when the configuration does not enable it.</summary>
    public static DemoServer? Of(string physicalSystem)
    {
        var file = Path.Combine(physicalSystem, "configuration.json");
        if (!File.Exists(file))
        {
            return null;
        }
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        if (!json.RootElement.TryGetProperty("services", out var services) || !services.TryGetProperty("qitech", out var qitech)
            || !qitech.TryGetProperty("enable", out var enable) || !enable.GetBoolean())
        {
            return null;
        }
        return new DemoServer(qitech.GetProperty("port").GetInt32(), "qitech-control-server.service", qitech.GetProperty("stateDirectory").GetString()!);
    }

    /// <summary>Polls /health until it answers 200; fails with the unit's cause and log when the unit fails or never gets there.</summary>
    public async Task WaitUntilHealthyAsync(DaemonClient daemon, TimeSpan limit, CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                if ((await http.GetAsync(Url + "health", cancel)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                // Not listening yet.
            }
            var service = (await daemon.StatusAsync(cancel)).Services.FirstOrDefault(s => s.Name == UnitName);
            // A server that keeps dying restarts forever (Restart=always): three tries are enough to tell.
            if (service?.State == ServiceState.Failed || service?.Restarts >= 3 || DateTime.UtcNow > deadline)
            {
                var log = await daemon.LogsAsync(UnitName, 15, cancel);
                throw new QiTechOsException(
                    $"the control server did not answer on {Url}health ({UnitName}: {(service == null ? "not loaded" : DaemonJson.WireName(service.State))}{(service?.LastError is { } cause ? ", " + cause : "")}); its last log lines:\n{log.TrimEnd()}");
            }
            await Task.Delay(500, cancel);
        }
    }
}
