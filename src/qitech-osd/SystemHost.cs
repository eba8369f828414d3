using QiTech.Os.Activation;
using QiTech.Os.Generations;
using QiTech.Os.Health;
using QiTech.Os.Jobs;
using QiTech.Os.Platform;
using QiTech.Os.Services;
using QiTech.Os.Store;

namespace QiTech.Os.Daemon;

/// <summary>
/// What the daemon owns: the store, the generations and whoever runs the services — the
/// embedded supervisor (the daemon is init) or systemd. In embedded mode <see cref="BootAsync"/>
/// is the machine's boot and <see cref="RebootAsync"/> its reboot: the boot default (or a
/// one-shot next-boot choice) becomes current and booted, and its enabled units start.
/// </summary>
public sealed class SystemHost : IAsyncDisposable
{
    private readonly LocalStore _store;

    public SystemHost(DaemonOptions options)
    {
        Options = options;
        Layout = options.Layout;
        _store = LocalStore.Open(Layout);
        Store = new LocalStoreReader(_store);
        if (options.Embedded)
        {
            Supervisor = new EmbeddedSupervisor(Layout, options.Supervisor);
            Services = Supervisor;
        }
        else if (SystemdServiceManager.IsAvailable(Layout))
        {
            Services = new SystemdServiceManager(Layout);
        }
        Manager = new SystemManager(Layout, Store, Services);
    }

    public DaemonOptions Options { get; }

    public SystemLayout Layout { get; }

    public IStoreReader Store { get; }

    /// <summary>Null when nothing runs services (a folder root without --embedded).</summary>
    public IServiceManager? Services { get; }

    /// <summary>Set in embedded mode only.</summary>
    public EmbeddedSupervisor? Supervisor { get; }

    public SystemManager Manager { get; }

    public LocalStore LocalStore => _store;

    /// <summary>
    /// Embedded boot: ends what a killed predecessor left running, finishes or undoes an
    /// interrupted activation (pointers only, so no service starts from a half-switched
    /// system), makes the boot choice current and booted, then starts its enabled units.
    /// Without --embedded on the machine's root it records the booted system once per boot
    /// (<see cref="SystemManager.RecordRealBootAsync"/>); on a folder root it only recovers.
    /// </summary>
    public async Task<BootReport> BootAsync(IProgress<string>? progress, CancellationToken cancel)
    {
        if (Supervisor == null && Layout.Root == "/")
        {
            // A real boot: systemd started the booted system's units; record which one it is,
            // and on the daemon's first start of this boot, wait for their health checks.
            var realBoot = await Manager.RecordRealBootAsync(File.ReadAllText("/proc/cmdline"), progress, cancel);
            var state = Manager.State();
            PendingBootCheck? realPending = null;
            if (realBoot.FirstStart && Services != null && state.Booted is { } generation && state.BootedSystem is { } bootedSystem)
            {
                // The enabling rule alone: systemd reads these units, and the embedded
                // supervisor's parser would refuse specifiers it does not implement.
                var system = SystemClosure.Open(Layout, bootedSystem);
                realPending = new PendingBootCheck(generation, system, HealthGate.ChecksOf(Layout, system, system.EnabledUnits()));
            }
            return new BootReport(state.BootedSystem, [], realBoot.Notes, realPending);
        }
        if (Supervisor == null)
        {
            var recovered = await Manager.RecoverAsync(progress, cancel);
            return new BootReport(null, [], recovered ? ["finished an interrupted activation"] : []);
        }
        var notes = new List<string>();
        foreach (var unit in Supervisor.KillLeftovers())
        {
            notes.Add($"ended {unit} left running by a previous daemon");
        }
        var pointersOnly = new SystemManager(Layout, Store, services: null);
        var closure = await pointersOnly.BootAsync(progress, cancel);
        if (closure == null)
        {
            progress?.Report("no generation to boot yet");
            return new BootReport(null, [], notes);
        }
        var loaded = Supervisor.Load(closure.LogicalPath);
        var failures = await Supervisor.StartEnabledAsync(cancel);
        foreach (var failure in failures)
        {
            progress?.Report(failure.Message);
        }
        if (Manager.Fallback() is { } fallback)
        {
            notes.Add($"fell back from generation {fallback.From} to generation {fallback.To}: {fallback.Reason}");
        }
        PendingBootCheck? pending = null;
        if (Manager.State().Booted is { } booted)
        {
            var checks = HealthGate.ChecksOf(Layout, closure, loaded.Enabled);
            if (failures.Count > 0)
            {
                Manager.MarkBootUnhealthy(booted, failures[0].Message);
            }
            else if (checks.Count == 0)
            {
                Manager.MarkBootHealthy(booted, bless: true);
            }
            else
            {
                // The checks may need the daemon itself (the server's /health asks it): the
                // caller waits for them once the API answers.
                pending = new PendingBootCheck(booted, closure, checks);
            }
        }
        return new BootReport(closure.Path, failures.Select(f => f.Message).ToList(), notes, pending);
    }

    /// <summary>
    /// Waits for the booted units' checks: all healthy, the boot entry is blessed and the
    /// generation known-good; else the boot counts as failed (its entry keeps counting down,
    /// and with no tries left the next boot falls back).
    /// </summary>
    public async Task<HealthOutcome> AssessBootAsync(PendingBootCheck pending, IStepReporter? steps, IProgress<string>? progress, CancellationToken cancel)
    {
        var outcome = await new HealthGate(Layout, Services!).WaitAsync(pending.Checks, pending.System, steps, cancel);
        if (outcome.Passed)
        {
            // systemd-bless-boot blesses a real boot's entry once our boot check lets
            // boot-complete.target be reached; the embedded boot does it here.
            Manager.MarkBootHealthy(pending.Generation, bless: Supervisor != null);
            progress?.Report($"generation {pending.Generation} booted healthy");
        }
        else
        {
            var reason = outcome.Failure?.Reason ?? "the health wait was cancelled";
            Manager.MarkBootUnhealthy(pending.Generation, reason);
            progress?.Report($"generation {pending.Generation} did not boot healthy: {reason}");
        }
        return outcome;
    }

    /// <summary>Embedded reboot: every service stops, then <see cref="BootAsync"/> runs again.</summary>
    public async Task<BootReport> RebootAsync(IProgress<string>? progress, CancellationToken cancel)
    {
        if (Supervisor == null)
        {
            throw new Errors.QiTechOsException("reboot is served in embedded mode only; on a real machine use systemctl reboot", 2);
        }
        progress?.Report("stopping every service");
        await Supervisor.StopAllAsync(CancellationToken.None);
        return await BootAsync(progress, cancel);
    }

    public async ValueTask DisposeAsync()
    {
        if (Supervisor != null)
        {
            await Supervisor.DisposeAsync();
        }
        _store.Dispose();
    }
}

/// <summary>
/// What a boot did: the system it booted, units that failed to start, other notes, and the
/// health checks still to wait for (<see cref="SystemHost.AssessBootAsync"/>).
/// </summary>
public sealed record BootReport(Nix.StorePath? System, IReadOnlyList<string> Failures, IReadOnlyList<string> Notes, PendingBootCheck? Pending = null);

/// <summary>A booted generation whose units' health checks are still to pass.</summary>
public sealed record PendingBootCheck(GenerationNumber Generation, SystemClosure System, IReadOnlyList<UnitCheck> Checks);
