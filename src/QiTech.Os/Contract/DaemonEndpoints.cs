namespace QiTech.Os.Contract;

/// <summary>Every endpoint of the daemon API (docs/daemon-api.md): the daemon maps these, the client calls these.</summary>
public static class DaemonEndpoints
{
    public static readonly DaemonEndpoint Status = new("GET", "/v1/status");
    public static readonly DaemonEndpoint Generations = new("GET", "/v1/generations");
    public static readonly DaemonEndpoint Activate = new("POST", "/v1/activate");
    public static readonly DaemonEndpoint Rollback = new("POST", "/v1/rollback");
    public static readonly DaemonEndpoint DeleteGeneration = new("DELETE", "/v1/generations/{n}");
    public static readonly DaemonEndpoint DeleteGenerations = new("POST", "/v1/generations/delete");
    public static readonly DaemonEndpoint Gc = new("POST", "/v1/gc");
    public static readonly DaemonEndpoint Jobs = new("GET", "/v1/jobs");
    public static readonly DaemonEndpoint Job = new("GET", "/v1/jobs/{id:int}");
    public static readonly DaemonEndpoint JobEvents = new("GET", "/v1/jobs/{id:int}/events");
    public static readonly DaemonEndpoint CancelJob = new("POST", "/v1/jobs/{id:int}/cancel");
    public static readonly DaemonEndpoint Logs = new("GET", "/v1/logs/{unit}");
    public static readonly DaemonEndpoint RestartService = new("POST", "/v1/services/{unit}/restart");
    public static readonly DaemonEndpoint Reboot = new("POST", "/v1/reboot");
    public static readonly DaemonEndpoint Source = new("GET", "/v1/update/source");
    public static readonly DaemonEndpoint SetSource = new("PUT", "/v1/update/source");
    public static readonly DaemonEndpoint SetToken = new("PUT", "/v1/update/token");
    public static readonly DaemonEndpoint ClearToken = new("DELETE", "/v1/update/token");
    public static readonly DaemonEndpoint Targets = new("GET", "/v1/update/targets");
    public static readonly DaemonEndpoint Changelog = new("GET", "/v1/update/changelog");
    public static readonly DaemonEndpoint Install = new("POST", "/v1/update/install");
    public static readonly DaemonEndpoint Bundles = new("GET", "/v1/update/bundles");
    public static readonly DaemonEndpoint InstallBundle = new("POST", "/v1/update/bundles/install");

    public static IReadOnlyList<DaemonEndpoint> All { get; } =
    [
        Status, Generations, Activate, Rollback, DeleteGeneration, DeleteGenerations, Gc, Jobs, Job, JobEvents, CancelJob,
        Logs, RestartService, Reboot, Source, SetSource, SetToken, ClearToken, Targets, Changelog, Install, Bundles, InstallBundle,
    ];
}
