using QiTech.Os.Generations;
using QiTech.Os.Nix;
using QiTech.Os.Services;

namespace QiTech.Os.Contract;

/// <summary><c>GET /v1/status</c>: what runs, what was booted, what boots next, and every service.</summary>
public sealed record StatusJson(
    GenerationJson? Current,
    GenerationJson? Booted,
    GenerationJson? BootDefault,
    StorePath? CurrentSystem,
    StorePath? BootedSystem,
    bool Embedded,
    IReadOnlyList<ServiceJson> Services,
    BootFallbackJson? BootFallback = null)
{
    /// <summary>The status of <paramref name="manager"/>'s root with its services' states: one answer for the daemon and the CLI.</summary>
    public static StatusJson Of(QiTech.Os.Activation.SystemManager manager, IReadOnlyList<ServiceStatus> services, bool embedded)
    {
        var generations = manager.ListGenerations(withDiskCost: false);
        var state = manager.State();
        return new StatusJson(
            Pick(g => g.Current),
            Pick(g => g.Booted),
            Pick(g => g.BootDefault),
            state.CurrentSystem,
            state.BootedSystem,
            embedded,
            [.. services.Select(ServiceJson.From)],
            manager.Fallback() is { } fallback ? BootFallbackJson.Of(fallback) : null);

        GenerationJson? Pick(Func<GenerationInfo, bool> which) =>
            generations.FirstOrDefault(which) is { } g ? GenerationJson.From(g) : null;
    }
}

/// <summary>The running boot fell back: the boot loader passed over <see cref="From"/> (no tries left) and booted <see cref="To"/>.</summary>
public sealed record BootFallbackJson(GenerationNumber From, GenerationNumber To, string Reason)
{
    public static BootFallbackJson Of(BootFallback fallback) =>
        new(new GenerationNumber(fallback.From), new GenerationNumber(fallback.To), fallback.Reason);
}

/// <summary>One service; <see cref="UptimeSeconds"/> in whole seconds while it runs.</summary>
public sealed record ServiceJson(string Name, ServiceState State, int? Pid, long? UptimeSeconds, int Restarts, string? LastError)
{
    public static ServiceJson From(ServiceStatus s) =>
        new(s.Name, s.State, s.Pid, s.Uptime is { } u ? (long)u.TotalSeconds : null, s.Restarts, s.LastError);
}
