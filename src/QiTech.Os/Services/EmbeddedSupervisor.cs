using QiTech.Os.Errors;
using QiTech.Os.Store;

namespace QiTech.Os.Services;

/// <summary>
/// Runs the services of the current system where no systemd does (a folder root, the demo,
/// tests): the daemon is init. <see cref="ReloadAsync"/> reads the units of
/// <c>R/run/current-system</c>; start/stop/restart act on one unit, as systemctl would.
/// A unit removed by a reload keeps running from its old definition until it is stopped.
/// </summary>
public sealed class EmbeddedSupervisor : IServiceManager, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SupervisedService> _services = new(StringComparer.Ordinal);
    private readonly RootPathMapper _mapper;
    private readonly SupervisorOptions _options;
    private readonly ServicePidFiles _pidFiles;
    private LoadedSystem? _system;

    public EmbeddedSupervisor(SystemLayout layout, SupervisorOptions? options = null)
    {
        Layout = layout;
        _mapper = new RootPathMapper(layout);
        _options = options ?? new SupervisorOptions();
        _pidFiles = new ServicePidFiles(layout);
    }

    public SystemLayout Layout { get; }

    /// <summary>The closure whose units were loaded last, or null before the first load.</summary>
    public LoadedSystem? System => _system;

    /// <summary>
    /// Ends the process groups a killed predecessor left running (recorded in pid files), so
    /// a boot starts from nothing. Returns the units it found still running.
    /// </summary>
    public List<string> KillLeftovers() => _pidFiles.KillLeftovers(TimeSpan.FromSeconds(5));

    public Task ReloadAsync(CancellationToken cancel)
    {
        var link = new FileInfo(Layout.CurrentSystem).LinkTarget
            ?? throw new QiTechOsException($"{Layout.CurrentSystem}: no current system to load");
        Load(link);
        return Task.CompletedTask;
    }

    /// <summary>Loads the units of the closure at the logical <paramref name="storePath"/>.</summary>
    public LoadedSystem Load(string storePath)
    {
        var system = LoadedSystem.Load(_mapper, storePath);
        lock (_gate)
        {
            _system = system;
        }
        return system;
    }

    public async Task StartAsync(string unit, CancellationToken cancel)
    {
        var (definition, system) = Definition(unit);
        await Service(unit).StartAsync(definition, system, cancel);
    }

    public async Task StopAsync(string unit, CancellationToken cancel)
    {
        SupervisedService? service;
        lock (_gate)
        {
            _services.TryGetValue(unit, out service);
        }
        if (service != null)
        {
            await service.StopAsync(cancel);
        }
    }

    public async Task RestartAsync(string unit, CancellationToken cancel)
    {
        var (definition, system) = Definition(unit);
        var service = Service(unit);
        await service.StopAsync(cancel);
        await service.StartAsync(definition, system, cancel);
    }

    public Task<IReadOnlyList<ServiceStatus>> StatusAsync(CancellationToken cancel)
    {
        lock (_gate)
        {
            var names = new SortedSet<string>(_services.Keys, StringComparer.Ordinal);
            if (_system != null)
            {
                names.UnionWith(_system.Units.Keys);
            }
            IReadOnlyList<ServiceStatus> result = names
                .Select(n => _services.TryGetValue(n, out var s) ? s.Status() : new ServiceStatus(n, ServiceState.Inactive, null, null, 0))
                .ToList();
            return Task.FromResult(result);
        }
    }

    /// <summary>Starts the loaded system's enabled units in After= order; returns the failures (the others run).</summary>
    public async Task<List<ServiceStartException>> StartEnabledAsync(CancellationToken cancel)
    {
        var system = _system ?? throw new QiTechOsException("no system loaded");
        var failures = new List<ServiceStartException>();
        foreach (var unit in system.BootOrder())
        {
            try
            {
                await StartAsync(unit, cancel);
            }
            catch (ServiceStartException e)
            {
                failures.Add(e);
            }
        }
        return failures;
    }

    /// <summary>Stops every active service, the last started first.</summary>
    public async Task StopAllAsync(CancellationToken cancel)
    {
        List<SupervisedService> active;
        lock (_gate)
        {
            active = _services.Values.Where(s => s.IsActive).ToList();
        }
        var order = _system?.StartOrder(active.Select(s => s.Name)) ?? active.Select(s => s.Name).ToList();
        order.Reverse();
        foreach (var name in order)
        {
            await StopAsync(name, cancel);
        }
    }

    /// <summary>Where the unit's log lives: <c>R/var/log/qitech/&lt;unit&gt;.log</c> (rotated ones beside it).</summary>
    public string LogPath(string unit) => SupervisedService.LogPath(Layout, unit);

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync(CancellationToken.None);
        lock (_gate)
        {
            foreach (var service in _services.Values)
            {
                service.Dispose();
            }
            _services.Clear();
        }
    }

    private (ServiceUnit, LoadedSystem) Definition(string unit)
    {
        lock (_gate)
        {
            if (_system != null && _system.Units.TryGetValue(unit, out var definition))
            {
                return (definition, _system);
            }
        }
        throw new BadInputException($"{unit}: no such unit in the current system");
    }

    private SupervisedService Service(string unit)
    {
        lock (_gate)
        {
            if (!_services.TryGetValue(unit, out var service))
            {
                service = new SupervisedService(unit, _mapper, _options, _pidFiles);
                _services[unit] = service;
            }
            return service;
        }
    }
}
