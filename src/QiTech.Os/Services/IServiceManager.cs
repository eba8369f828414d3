namespace QiTech.Os.Services;

/// <summary>
/// Starts, stops and reports the services of the running generation: systemd on a real
/// machine, the daemon's embedded supervisor elsewhere. Unit names are as in the closure's
/// <c>etc/systemd/system</c> ("qitech-control-server.service").
/// </summary>
public interface IServiceManager
{
    /// <summary>Re-reads the unit files of the current system (systemd's daemon-reload).</summary>
    Task ReloadAsync(CancellationToken cancel);

    Task StartAsync(string unit, CancellationToken cancel);

    Task StopAsync(string unit, CancellationToken cancel);

    Task RestartAsync(string unit, CancellationToken cancel);

    Task<IReadOnlyList<ServiceStatus>> StatusAsync(CancellationToken cancel);
}

/// <summary>One service as the operator sees it.</summary>
public sealed record ServiceStatus(string Name, ServiceState State, int? Pid, TimeSpan? Uptime, int Restarts, string? LastError = null);

public enum ServiceState
{
    Inactive,
    Starting,
    Running,
    Stopping,
    Failed,
}
