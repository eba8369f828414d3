using QiTech.Os.Errors;
using QiTech.Os.Generations;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Services;
using QiTech.Os.Store;

namespace QiTech.Os.Activation;

/// <summary>
/// Carries out an <see cref="ActivationJournal"/>, step by step, each step idempotent so a
/// replay after a crash converges on the same end state. Order as NixOS's
/// switch-to-configuration: generation link, profile, stop removed units, /etc, current-system,
/// host setup, reload, restart changed, start new, boot entries. Once the journal is written
/// the activation is not cancellable: stopping half-way is what the journal exists to avoid.
/// <para>
/// The steps do not wait for the disk one by one: the journal is durable before the first,
/// and a replay redoes them all, so their directories are synced once, together, before the
/// journal is removed (two waits per activation, plus the journal's own).
/// </para>
/// </summary>
internal sealed class ActivationRunner(SystemLayout layout, IServiceManager? services, Action<SyncBatch> writeBootEntries)
{
    private const int LogLinesShown = 10;

    /// <param name="live">
    /// False on the first start after a reboot: the journal's live part (units, /etc,
    /// current-system) belonged to the boot that was cut off; this boot runs the system early boot
    /// linked, so only the generation, the boot default and the boot entries are finished.
    /// </param>
    public async Task<(IReadOnlyList<UnitFailure> Failures, IReadOnlyList<string> Warnings)> RunAsync(ActivationJournal journal, IProgress<string>? progress, bool live = true)
    {
        var cancel = CancellationToken.None;
        var failures = new List<UnitFailure>();
        var warnings = new List<string>();
        var system = ParseSystem(journal.System);
        var logical = layout.StoreDir.Render(system);
        var batch = new SyncBatch();
        if (journal.Mode is ActivationMode.Switch or ActivationMode.Boot)
        {
            var profile = new SystemProfile(layout);
            var number = new GenerationNumber(journal.Generation ?? throw Corrupt("no generation"));
            profile.Create(number, system, batch);
            FaultInjection.Point("after-generation");
            profile.SetDefault(number, batch);
            FaultInjection.Point("after-profile");
            progress?.Report($"generation {number} is the boot default");
        }
        if (live && (journal.Mode is ActivationMode.Switch or ActivationMode.Test))
        {
            foreach (var unit in journal.Stop)
            {
                await Drive("stop", unit, s => s.StopAsync(unit, cancel), failures, progress);
            }
            FaultInjection.Point("after-stop");
            var closure = SystemClosure.Open(layout, system);
            var etc = new EtcLinker(layout);
            etc.FlipStatic(logical, batch);
            FaultInjection.Point("after-etc-static");
            foreach (var entry in etc.Update(PreviousEtcEntries(journal.Previous), closure.EtcEntries(), batch))
            {
                warnings.Add($"/etc/{entry} is not a link made by qitech-os: left alone");
            }
            FaultInjection.Point("after-etc-links");
            AtomicLink.Replace(layout.CurrentSystem, logical, batch);
            FaultInjection.Point("after-current-system");
            progress?.Report($"{logical} is the current system");
            if (services is ISystemSetup setup)
            {
                warnings.AddRange(await setup.ApplyAsync(cancel));
            }
            FaultInjection.Point("after-setup");
            if (services != null)
            {
                await services.ReloadAsync(cancel);
            }
            FaultInjection.Point("after-reload");
            foreach (var unit in journal.Restart)
            {
                await Drive("restart", unit, s => s.RestartAsync(unit, cancel), failures, progress);
            }
            FaultInjection.Point("after-restart");
            foreach (var unit in journal.Start)
            {
                await Drive("start", unit, s => s.StartAsync(unit, cancel), failures, progress);
            }
            FaultInjection.Point("after-start");
            await CheckRunning(journal, failures);
        }
        if (journal.Mode is ActivationMode.Switch or ActivationMode.Boot)
        {
            writeBootEntries(batch);
            FaultInjection.Point("after-boot-entries");
        }
        batch.Flush();
        FaultInjection.Point("after-sync");
        ActivationJournal.Clear(layout);
        FaultInjection.Point("after-done");
        return (failures, warnings);
    }

    private StorePath ParseSystem(string text) =>
        layout.StoreDir.TryParse(text, out var path, out _) ? path : throw Corrupt($"'{text}' is not a store path");

    private QiTechOsException Corrupt(string why) =>
        new($"{ActivationJournal.PathFor(layout)}: {why}; inspect the journal, then delete it to continue");

    private IReadOnlyList<string> PreviousEtcEntries(string? previous)
    {
        if (previous == null || !layout.StoreDir.TryParse(previous, out var path, out _))
        {
            return [];
        }
        try
        {
            return SystemClosure.Open(layout, path).EtcEntries();
        }
        catch (BadInputException)
        {
            // The old system is gone from the store: its links cannot be told apart, keep them.
            return [];
        }
    }

    private async Task Drive(string action, string unit, Func<IServiceManager, Task> call, List<UnitFailure> failures, IProgress<string>? progress)
    {
        if (services == null)
        {
            return;
        }
        progress?.Report($"{action} {unit}");
        try
        {
            await call(services);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failures.Add(new UnitFailure(unit, action, e is ServiceStartException start ? start.Cause : e.Message, LastLogLines(unit)));
        }
    }

    /// <summary>A unit can "start" and fail a moment later: ask the manager what it sees now.</summary>
    private async Task CheckRunning(ActivationJournal journal, List<UnitFailure> failures)
    {
        if (services == null)
        {
            return;
        }
        var expected = journal.Start.Concat(journal.Restart).ToHashSet(StringComparer.Ordinal);
        foreach (var status in await services.StatusAsync(CancellationToken.None))
        {
            if (status.State == ServiceState.Failed && expected.Contains(status.Name) && failures.All(f => f.Unit != status.Name))
            {
                failures.Add(new UnitFailure(status.Name, "start", status.LastError ?? "failed", LastLogLines(status.Name)));
            }
        }
    }

    private IReadOnlyList<string> LastLogLines(string unit) => UnitLog.LastLines(layout, unit, LogLinesShown);
}
