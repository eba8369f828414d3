using System.Globalization;
using QiTech.Os.Base;
using QiTech.Os.Errors;
using QiTech.Os.Generations;
using QiTech.Os.Health;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Services;
using QiTech.Os.Sources;
using QiTech.Os.Store;

namespace QiTech.Os.Activation;

/// <summary>
/// The generation operations the CLI and the daemon share: list, activate (switch, boot, test,
/// rollback), delete, boot entries, crash recovery and the embedded "boot". Every change
/// happens under the <see cref="SystemLock"/> and replays a pending activation journal first,
/// so a process killed at any instant leaves the old or the new generation, never a mix.
/// <para>
/// <c>services</c> is who runs the units: <see cref="SystemdServiceManager"/> on a real
/// machine, the daemon's embedded supervisor, or null (an embedded root with no daemon:
/// pointers flip, services start when the daemon boots the root).
/// </para>
/// <threadsafety>One operation at a time per instance; across processes the lock serialises.</threadsafety>
/// </summary>
public sealed class SystemManager(SystemLayout layout, IStoreReader store, IServiceManager? services = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public SystemLayout Layout => layout;

    public SystemProfile Profile { get; } = new(layout);

    /// <summary>False when activation only flips pointers (no service manager at hand).</summary>
    public bool ManagesServices => services != null;

    private string KnownGoodFile => layout.StateDir + "/known-good";

    private string NextBootFile => layout.StateDir + "/next-boot";

    private string FallbackFile => layout.RunDir + "/boot-fallback.json";

    /// <summary>Written by the daemon's first start of a real boot; /run is a tmpfs, so a boot starts without it.</summary>
    private string BootRecordedFile => layout.RunDir + "/boot-recorded";

    /// <summary>Generations that did not start correctly, with the reason.</summary>
    public FailedGenerations Failed { get; } = new(layout);

    public RetentionSettings Retention
    {
        get => RetentionSettings.Load(layout);
        set => value.Save(layout);
    }

    /// <summary>Current, booted and boot-default generation (reads only; no lock).</summary>
    public SystemState State()
    {
        var generations = Profile.Generations();
        var bootDefault = Profile.Default();
        var current = ReadSystemLink(layout.CurrentSystem);
        var booted = ReadSystemLink(layout.BootedSystem);
        return new SystemState(current, NumberOf(current), booted, NumberOf(booted), bootDefault);

        GenerationNumber? NumberOf(StorePath? system)
        {
            if (system == null)
            {
                return null;
            }
            if (bootDefault is { } d && generations.First(g => g.Number == d).System == system)
            {
                return d;
            }
            return generations.LastOrDefault(g => g.System == system)?.Number;
        }
    }

    /// <summary>Every generation, oldest first, with its version and (optionally) its own disk cost.</summary>
    public IReadOnlyList<GenerationInfo> ListGenerations(bool withDiskCost = true)
    {
        var generations = Profile.Generations();
        var state = State();
        var knownGood = KnownGood();
        var failed = Failed.All();
        var costs = withDiskCost ? DiskCost.Compute(store, generations, OtherRoots(state)) : null;
        return generations.Select(g => new GenerationInfo(
            g.Number,
            g.System,
            g.Created,
            TryOpen(g.System)?.Version() ?? VersionInfo.Unknown,
            Current: state.Current == g.Number,
            Booted: state.Booted == g.Number,
            BootDefault: state.BootDefault == g.Number,
            KnownGood: knownGood == g.Number,
            costs?[g.Number],
            failed.GetValueOrDefault(g.Number),
            Profile.Origin(g))).ToList();
    }

    /// <summary>
    /// What activating <paramref name="target"/> now would do (dry-activate). Changes nothing;
    /// bad input throws as <see cref="ActivateAsync"/> would (a rollback needs switch or boot).
    /// </summary>
    public ActivationPlan PlanActivation(ActivationTarget target, ActivationMode mode = ActivationMode.Test)
    {
        var (system, _) = Resolve(mode == ActivationMode.DryActivate ? ActivationMode.Test : mode, target);
        var current = State().CurrentSystem;
        return ActivationPlan.Compute(current is { } c ? TryOpen(c) : null, SystemClosure.Open(layout, system));
    }

    /// <summary>
    /// Switch, boot or test as <c>nixos-rebuild</c> does. Bad input (unknown generation, not a
    /// system closure, nothing to roll back to) throws <see cref="BadInputException"/> before
    /// anything changes. With a service manager, a switch or test then waits for the health
    /// checks of the units it started or restarted; when a unit fails to start, a check fails or
    /// the wait is cancelled, it switches back live to the system that ran before (unless
    /// <see cref="ActivationOptions.RollBack"/> is false), marks the generation failed and
    /// never leaves it the boot default while another exists (<see cref="ActivationResult.Rollback"/>).
    /// All healthy, a switched-to generation becomes the known-good one.
    /// </summary>
    public async Task<ActivationResult> ActivateAsync(
        ActivationMode mode, ActivationTarget target, IProgress<string>? progress = null, CancellationToken cancel = default, ActivationOptions? options = null)
    {
        options ??= ActivationOptions.Default;
        if (mode == ActivationMode.DryActivate)
        {
            throw new ArgumentException("dry-activate changes nothing: use PlanActivation", nameof(mode));
        }
        using var held = SystemLock.Acquire(layout, cancel);
        // Shared, as store additions take it: no garbage collection between checking the
        // system and rooting it (the journal's GC root, then the generation link).
        using var noCollection = FileLock.Acquire(layout.StateDir + "/gc.lock", exclusive: false);
        await RecoverLockedAsync(progress);
        var (system, existing) = Resolve(mode, target);
        var closure = SystemClosure.Open(layout, system);
        var previous = State().CurrentSystem;
        var notes = new List<string>();
        if (previous is { } running && mode is ActivationMode.Switch or ActivationMode.Test && BaseDeployment.BaseOf(layout, system) is { } newBase
            && BaseDeployment.BaseOf(layout, running) != newBase)
        {
            // /usr and the kernel cannot change under running programs: units of the new system
            // on the old /usr would be a mix of two systems. The new base runs after a reboot.
            if (mode == ActivationMode.Test)
            {
                throw new BadInputException($"{layout.StoreDir.Render(system)} runs on another base (kernel, /usr) than the running system: 'test' cannot run it live; use 'boot' and reboot");
            }
            mode = ActivationMode.Boot;
            notes.Add("the new system runs on another base (kernel, /usr): it is the boot default and runs after a reboot");
        }
        var previousDefault = Profile.Default();
        var plan = ActivationPlan.Compute(previous is { } p ? TryOpen(p) : null, closure);
        GenerationNumber? number = null;
        if (mode is ActivationMode.Switch or ActivationMode.Boot)
        {
            var latest = Profile.Generations().LastOrDefault();
            // As Nix: a system equal to the newest generation's reuses it instead of adding one.
            number = existing ?? (latest != null && latest.System == system ? latest.Number : Profile.NextNumber());
        }
        var activates = mode != ActivationMode.Boot;
        var journal = new ActivationJournal(
            mode,
            layout.StoreDir.Render(system),
            number?.Value,
            previous is { } prev ? layout.StoreDir.Render(prev) : null,
            activates ? plan.Stop : [],
            activates ? plan.Start : [],
            activates ? plan.Restart : []);
        // From the journal on, a cancel would change nothing (the journal is carried out whole):
        // it is refused, with why, until the health wait, which a cancel does roll back. A cancel
        // taken before the refusal stops the activation here, before anything changed.
        var activating = new VersionRef(system, number, closure.Version().Label());
        var refusal = $"version {activating} is being activated; it can't be cancelled now — it will finish or roll back by itself";
        if (options.CancelGuard?.RefuseCancel(refusal) == false)
        {
            throw new OperationCanceledException("cancelled before activation", cancel);
        }
        cancel.ThrowIfCancellationRequested();
        if (number is { } made && options.Origin is { } origin)
        {
            Profile.WriteOrigin(made, system, origin);
        }
        FaultInjection.Point("before-journal");
        journal.Save(layout);
        FaultInjection.Point("after-journal");
        var (failures, activationWarnings) = await NewActivator().RunAsync(journal, progress);
        IReadOnlyList<string> warnings = [.. notes, .. activationWarnings];
        IReadOnlyList<UnitHealth> health = [];
        RollbackReport? rollback = null;
        if (services != null && activates)
        {
            (health, rollback) = await AssessLockedAsync(mode, closure, number ?? existing, journal, failures, previous, previousDefault, options, refusal, progress, cancel);
        }
        IReadOnlyList<GenerationNumber> pruned = [];
        if (mode == ActivationMode.Switch && failures.Count == 0 && rollback == null)
        {
            if (services != null)
            {
                MarkKnownGoodLocked(number!.Value);
            }
            pruned = PruneLocked();
        }
        return new ActivationResult(mode, system, number, plan, services != null, failures, warnings, pruned, health, rollback);
    }

    /// <summary>
    /// The health wait after a switch or test: a unit that failed to start, or the first check
    /// that fails (or a cancel), makes the version a failure and switches back to what ran before.
    /// </summary>
    private async Task<(IReadOnlyList<UnitHealth>, RollbackReport?)> AssessLockedAsync(
        ActivationMode mode, SystemClosure closure, GenerationNumber? number, ActivationJournal journal, IReadOnlyList<UnitFailure> failures,
        StorePath? previous, GenerationNumber? previousDefault, ActivationOptions options, string refusal, IProgress<string>? progress, CancellationToken cancel)
    {
        // A unit that did not stop belongs to the old version: no reason to leave the new one.
        if (failures.FirstOrDefault(f => f.Action != "stop") is { } failed)
        {
            options.Steps?.End(JobState.Failed);
            var rollback = await RollBackLocked(mode, closure, number, previous, previousDefault,
                $"{failed.Unit} failed to {failed.Action}: {failed.Reason}", failed.Unit, failed.LastLogLines, cancelled: false, options, progress);
            return ([], rollback);
        }
        var checks = HealthGate.ChecksOf(layout, closure, journal.Start.Concat(journal.Restart));
        if (checks.Count > 0)
        {
            progress?.Report($"waiting for the health checks of {string.Join(", ", checks.Select(c => c.Unit))}");
        }
        options.CancelGuard?.AllowCancel();
        var outcome = await new HealthGate(layout, services!, _time).WaitAsync(checks, closure, options.Steps, cancel);
        options.CancelGuard?.RefuseCancel(refusal);
        if (outcome.Failure is { } unhealthy)
        {
            progress?.Report($"{unhealthy.Unit}: {unhealthy.Check}: {unhealthy.Detail}");
            return (outcome.Units, await RollBackLocked(mode, closure, number, previous, previousDefault,
                unhealthy.Reason, unhealthy.Unit, unhealthy.LastLogLines, cancelled: false, options, progress));
        }
        if (outcome.Cancelled)
        {
            return (outcome.Units, await RollBackLocked(mode, closure, number, previous, previousDefault,
                "cancelled during the health wait", null, [], cancelled: true, options, progress));
        }
        return (outcome.Units, null);
    }

    /// <summary>
    /// Marks the failed generation, gives the boot default back (the one before, else the
    /// known-good one: never the failed generation while another exists), then — unless
    /// --no-rollback — activates the system that ran before, as a <c>test</c> journal (so a crash
    /// mid-way is finished by the next lock holder), and waits for its checks too, so the job
    /// ends once the old version serves again.
    /// </summary>
    private async Task<RollbackReport> RollBackLocked(
        ActivationMode mode, SystemClosure failed, GenerationNumber? failedNumber, StorePath? previous, GenerationNumber? previousDefault,
        string reason, string? unit, IReadOnlyList<string> logLines, bool cancelled, ActivationOptions options, IProgress<string>? progress)
    {
        var failedVersion = new VersionRef(failed.Path, failedNumber, failed.Version().Label());
        // The switch back is an activation too, and its health wait is not cancellable.
        options.CancelGuard?.RefuseCancel($"version {failedVersion} did not start correctly and is being switched back from; it can't be cancelled now — it will finish by itself");
        if (failedNumber is { } number)
        {
            Failed.Mark(number, reason);
        }
        var bootDefault = Profile.Default();
        if (mode == ActivationMode.Switch && failedNumber is { } f && bootDefault == f)
        {
            var back = new[] { previousDefault, KnownGood() }.FirstOrDefault(d => d is { } g && g != f && Profile.Find(g) != null);
            if (back is { } b)
            {
                var batch = new SyncBatch();
                Profile.SetDefault(b, batch);
                WriteBootEntriesLocked(batch);
                batch.Flush();
                bootDefault = b;
                progress?.Report($"generation {b} is the boot default again");
            }
        }
        var previousClosure = previous is { } p && p != failed.Path ? TryOpen(p) : null;
        if (!options.RollBack || previousClosure == null)
        {
            progress?.Report(options.RollBack ? "nothing ran before this version: it keeps running" : "--no-rollback: the failed version keeps running");
            return new RollbackReport(failedVersion, null, reason, unit, logLines, bootDefault, cancelled);
        }
        var backLabel = previousClosure.Version().Label();
        options.Steps?.Begin($"roll back to {backLabel}");
        var plan = ActivationPlan.Compute(failed, previousClosure);
        var journal = new ActivationJournal(ActivationMode.Test, previousClosure.LogicalPath, null, failed.LogicalPath, plan.Stop, plan.Start, plan.Restart);
        journal.Save(layout);
        var (failures, _) = await NewActivator().RunAsync(journal, progress);
        var running = new VersionRef(previousClosure.Path, State().Current, backLabel);
        options.Steps?.End(failures.Any(x => x.Action != "stop") ? JobState.Failed : JobState.Succeeded);
        foreach (var failure in failures)
        {
            progress?.Report($"warning: after the rollback {failure.Unit} failed to {failure.Action}: {failure.Reason}");
        }
        var checks = HealthGate.ChecksOf(layout, previousClosure, plan.Start.Concat(plan.Restart));
        var again = await new HealthGate(layout, services!, _time).WaitAsync(checks, previousClosure, options.Steps, CancellationToken.None);
        if (again.Failure is { } alsoFailed)
        {
            progress?.Report($"warning: version {running} did not pass its checks either: {alsoFailed.Reason}");
        }
        progress?.Report($"version {failedVersion} did not start correctly; version {running} is running again");
        return new RollbackReport(failedVersion, running, reason, unit, logLines, bootDefault, cancelled);
    }

    /// <summary>
    /// Deletes generations. Named ones that are current, booted or the boot default are refused
    /// (nothing deleted); with +K or Nd those are kept back and reported. Store paths are freed
    /// by a later garbage collection.
    /// </summary>
    public DeletionResult DeleteGenerations(DeletionSpec spec)
    {
        using var held = SystemLock.Acquire(layout);
        RecoverLockedAsync(null).GetAwaiter().GetResult();
        var generations = Profile.Generations();
        var protectedOnes = Protected(State());
        IEnumerable<GenerationLink> candidates;
        switch (spec)
        {
            case DeletionSpec.Numbers numbers:
                foreach (var n in numbers.List)
                {
                    if (generations.All(g => g.Number != n))
                    {
                        throw UnknownGeneration(n, generations);
                    }
                    if (protectedOnes.TryGetValue(n, out var why))
                    {
                        throw new BadInputException($"refusing to delete generation {n}: it {why}; nothing was deleted");
                    }
                }
                candidates = generations.Where(g => numbers.List.Contains(g.Number));
                break;
            case DeletionSpec.KeepLast keep:
                candidates = generations.Take(Math.Max(0, generations.Count - keep.Count));
                break;
            case DeletionSpec.OlderThan older:
                var cutoff = _time.GetUtcNow() - older.Age;
                candidates = generations.Where(g => g.Created < cutoff);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(spec));
        }
        var deleted = new List<GenerationNumber>();
        var kept = new List<(GenerationNumber, string)>();
        // Each deletion stands alone (a kill between two leaves whole generations), so the
        // links and boot entries are synced once, at the end.
        var batch = new SyncBatch();
        foreach (var generation in candidates)
        {
            if (protectedOnes.TryGetValue(generation.Number, out var why))
            {
                kept.Add((generation.Number, why));
                continue;
            }
            Profile.Delete(generation.Number, batch);
            deleted.Add(generation.Number);
            FaultInjection.Point("after-delete-one");
        }
        WriteBootEntriesLocked(batch);
        batch.Flush();
        return new DeletionResult(deleted, kept);
    }

    /// <summary>Rewrites the boot loader entries for every generation and the default.</summary>
    public IReadOnlyList<string> WriteBootEntries()
    {
        using var held = SystemLock.Acquire(layout);
        RecoverLockedAsync(null).GetAwaiter().GetResult();
        var batch = new SyncBatch();
        var written = WriteBootEntriesLocked(batch);
        batch.Flush();
        return written;
    }

    /// <summary>
    /// Finishes an activation a crash interrupted, and clears temporary links. The CLI and the
    /// daemon call it at start. Returns true when a journal was replayed.
    /// </summary>
    public async Task<bool> RecoverAsync(IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        using var held = SystemLock.Acquire(layout, cancel);
        return await RecoverLockedAsync(progress);
    }

    /// <summary>
    /// True when a crash left work for <see cref="RecoverAsync"/>: an activation journal, or
    /// boot entries that no longer match the generations (a deletion killed half-way).
    /// Cheap and lock-free, so read-only callers can skip the lock when all is well.
    /// </summary>
    public bool NeedsRecovery()
    {
        if (File.Exists(ActivationJournal.PathFor(layout)))
        {
            return true;
        }
        var entries = new BootEntries(layout).Numbers();
        return entries.Count > 0 && !entries.ToHashSet().SetEquals(Profile.Generations().Select(g => g.Number));
    }

    /// <summary>
    /// Embedded mode's boot (the daemon as init): after recovery, makes the one-shot next-boot
    /// choice or else the boot default the current and booted system, with /etc linked. A
    /// <c>test</c> activation is undone here, a <c>boot</c> one takes effect. Starts no service:
    /// the caller starts the returned system's units. Null when there is no generation yet.
    /// </summary>
    public async Task<SystemClosure?> BootAsync(IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        using var held = SystemLock.Acquire(layout, cancel);
        await RecoverLockedAsync(progress);
        // A one-shot choice deleted since is ignored, as a boot loader skips a missing entry.
        var choice = (ReadNextBoot() is { } once && Profile.Find(once) != null ? once : (GenerationNumber?)null) ?? Profile.Default();
        DurableFile.Delete(NextBootFile);
        if (choice is not { } number)
        {
            return null;
        }
        number = CountBootLocked(number, progress);
        var link = Profile.Find(number) ?? throw UnknownGeneration(number, Profile.Generations());
        var closure = SystemClosure.Open(layout, link.System);
        var previous = ReadSystemLink(layout.CurrentSystem) is { } p ? TryOpen(p) : null;
        // A boot is redone whole by the next one, so its links are synced once, together.
        var batch = new SyncBatch();
        var etc = new EtcLinker(layout);
        etc.FlipStatic(closure.LogicalPath, batch);
        etc.Update(previous?.EtcEntries() ?? [], closure.EtcEntries(), batch);
        AtomicLink.Replace(layout.CurrentSystem, closure.LogicalPath, batch);
        AtomicLink.Replace(layout.BootedSystem, closure.LogicalPath, batch);
        batch.Flush();
        progress?.Report($"booted generation {number}: {closure.LogicalPath}");
        return closure;
    }

    /// <summary>
    /// Boots <paramref name="number"/> once at the next boot, then the default again: the
    /// embedded boot and the real-boot record read <c>R/qitech/var/next-boot</c> (and consume
    /// it); with systemd-boot on this machine, <c>bootctl set-oneshot</c> tells the loader too.
    /// Returns what the boot loader was told, for the operator.
    /// </summary>
    public async Task<string> SetNextBootAsync(GenerationNumber number, CancellationToken cancel = default)
    {
        using var held = SystemLock.Acquire(layout, cancel);
        await RecoverLockedAsync(null);
        if (Profile.Find(number) == null)
        {
            throw UnknownGeneration(number, Profile.Generations());
        }
        DurableFile.Write(NextBootFile, number + "\n");
        return await new BootEntries(layout).SetOneShotAsync(number, cancel);
    }

    /// <summary>The generation the next boot takes once, when one was chosen.</summary>
    public GenerationNumber? NextBoot() => ReadNextBoot();

    /// <summary>
    /// A real boot (systemd as init already started the booted system's units), on the
    /// daemon's first start since boot (<c>R/run/qitech-os/boot-recorded</c> missing, /run being
    /// a tmpfs): consumes the one-shot next-boot choice; records which system runs as
    /// <c>booted-system</c> and, when missing, <c>current-system</c>, unless early boot (the
    /// stage-2 init) linked them already — the one the boot loader named on the kernel command
    /// line (<c>qitech.system=</c>, in every boot entry), else the one-shot choice, else the boot
    /// default; and notices a fallback: the loader booted another generation than the default,
    /// unasked, because the default's entry had no tries left. Pointers only.
    /// </summary>
    public async Task<RealBootRecord> RecordRealBootAsync(string kernelCommandLine, IProgress<string>? progress = null, CancellationToken cancel = default)
    {
        using var held = SystemLock.Acquire(layout, cancel);
        // The first start since boot: what a power cut interrupted is finished on disk only;
        // a later start (the daemon restarted in this boot) finishes it live, as anywhere else.
        var firstStart = !File.Exists(BootRecordedFile);
        await RecoverLockedAsync(progress, live: !firstStart);
        if (!firstStart)
        {
            return new RealBootRecord(false, []);
        }
        var oneShot = ReadNextBoot();
        DurableFile.Delete(NextBootFile);
        var notes = new List<string>();
        if (ReadSystemLink(layout.BootedSystem) is { } linked)
        {
            notes.Add($"booted {Describe(State().Booted)} (linked by early boot): {layout.StoreDir.Render(linked)}");
        }
        else if (RecordBootedLocked(kernelCommandLine, oneShot) is { } recorded)
        {
            notes.AddRange(recorded);
        }
        var booted = State().Booted;
        BootFallback? fallback = null;
        if (oneShot == null && booted is { } b && Profile.Default() is { } d && b != d
            && new BootEntries(layout).Counter(d) is { IsBad: true } bad)
        {
            fallback = FallBackLocked(d, b, bad, progress);
            notes.Add($"fell back from generation {fallback.From} to generation {fallback.To}: {fallback.Reason}");
        }
        BootFallback.Write(FallbackFile, fallback);
        Directory.CreateDirectory(layout.RunDir);
        DurableFile.Write(BootRecordedFile, "");
        return new RealBootRecord(true, notes);
    }

    private static string Describe(GenerationNumber? number) => number is { } n ? $"generation {n}" : "a system that is no generation";

    /// <summary>Links booted-system (and a missing current-system) to the system this boot runs; notes for the log, or null when there is none.</summary>
    private List<string>? RecordBootedLocked(string kernelCommandLine, GenerationNumber? oneShot)
    {
        string how;
        StorePath system;
        if (FromCommandLine(kernelCommandLine) is { } named)
        {
            (system, how) = (named, "named on the kernel command line");
        }
        else if ((oneShot is { } once ? Profile.Find(once) : null) is { } chosen)
        {
            (system, how) = (chosen.System, "the one-shot choice");
        }
        else if (Profile.Default() is { } bootDefault)
        {
            (system, how) = (Profile.Find(bootDefault)!.System, "the boot default");
        }
        else
        {
            return null;
        }
        var logical = layout.StoreDir.Render(system);
        AtomicLink.Replace(layout.BootedSystem, logical);
        if (ReadSystemLink(layout.CurrentSystem) == null)
        {
            AtomicLink.Replace(layout.CurrentSystem, logical);
        }
        var notes = new List<string> { $"booted {Describe(State().Booted)} ({how}): {logical}" };
        var etc = AtomicLink.ReadTarget(new EtcLinker(layout).StaticLink);
        if (etc != logical + "/etc")
        {
            notes.Add($"{new EtcLinker(layout).StaticLink} points to {etc ?? "nothing"}, not the booted system's etc: early boot did not link /etc");
        }
        return notes;
    }

    /// <summary>The last generation that switched with every unit running; retention never deletes it.</summary>
    public GenerationNumber? KnownGood() => ReadNumberFile(KnownGoodFile);

    /// <summary>Records that <paramref name="number"/> ran well (the daemon calls it after a healthy boot).</summary>
    public void MarkKnownGood(GenerationNumber number)
    {
        using var held = SystemLock.Acquire(layout);
        MarkKnownGoodLocked(number);
    }

    /// <summary>
    /// A boot of <paramref name="number"/> became healthy: it is the known-good generation and,
    /// with <paramref name="bless"/> (the embedded boot), its entry is blessed — the counter
    /// leaves its name. Under systemd, <c>systemd-bless-boot</c> does that once
    /// boot-complete.target is reached, which our boot check orders before.
    /// </summary>
    public void MarkBootHealthy(GenerationNumber number, bool bless)
    {
        using var held = SystemLock.Acquire(layout);
        if (bless)
        {
            new BootEntries(layout).Bless(number);
        }
        MarkKnownGoodLocked(number);
    }

    /// <summary>A boot of <paramref name="number"/> did not become healthy: its entry keeps counting down.</summary>
    public void MarkBootUnhealthy(GenerationNumber number, string reason)
    {
        using var held = SystemLock.Acquire(layout);
        var left = new BootEntries(layout).Counter(number) is { } counter ? $" ({counter})" : "";
        Failed.Mark(number, $"a boot did not become healthy{left}: {reason}");
        RankEntriesLocked();
    }

    /// <summary>The fallback of the running boot, when the boot loader passed over a generation that failed its boots.</summary>
    public BootFallback? Fallback() => BootFallback.Read(FallbackFile);

    private void MarkKnownGoodLocked(GenerationNumber number)
    {
        var changed = KnownGood() != number || Failed.All().ContainsKey(number);
        DurableFile.Write(KnownGoodFile, number + "\n");
        Failed.Clear(number);
        if (changed)
        {
            RankEntriesLocked();
        }
    }

    /// <summary>The entries' order follows the known-good and failed marks (<see cref="BootRanking"/>).</summary>
    private void RankEntriesLocked()
    {
        var batch = new SyncBatch();
        WriteBootEntriesLocked(batch);
        batch.Flush();
    }

    /// <summary>
    /// Boot counting as systemd-boot does it, for the embedded boot: an entry with no tries left
    /// is passed over for the first entry in the loader's order that has tries left
    /// (<see cref="BootRanking"/>: the last known-good generation, when there is one); then the
    /// booted entry's counter goes down by one. Returns the generation to boot.
    /// </summary>
    private GenerationNumber CountBootLocked(GenerationNumber choice, IProgress<string>? progress)
    {
        var entries = new BootEntries(layout);
        BootFallback? fallback = null;
        if (entries.Counter(choice) is { IsBad: true } bad
            && entries.LoaderChoice(g => g == choice || entries.Counter(g) is { IsBad: true }) is { } other)
        {
            fallback = FallBackLocked(choice, other, bad, progress);
            choice = other;
        }
        if (entries.CountDown(choice) is { } counter)
        {
            progress?.Report($"boot entry of generation {choice}: {counter}");
        }
        BootFallback.Write(FallbackFile, fallback);
        return choice;
    }

    /// <summary>
    /// The boot loader passed over <paramref name="failed"/>, which had no tries left, for
    /// <paramref name="booted"/>: the failed generation is marked with why, the last known-good
    /// generation (else the one booted) becomes the boot default, and the entries are ranked anew.
    /// </summary>
    private BootFallback FallBackLocked(GenerationNumber failed, GenerationNumber booted, BootCounter bad, IProgress<string>? progress)
    {
        var why = Failed.All().TryGetValue(failed, out var last) ? last : "no reason recorded";
        var reason = $"generation {failed} did not become healthy in {bad.Done} boots; last: {why}";
        Failed.Mark(failed, reason);
        var newDefault = KnownGood() is { } good && good != failed && Profile.Find(good) != null ? good : booted;
        var batch = new SyncBatch();
        Profile.SetDefault(newDefault, batch);
        WriteBootEntriesLocked(batch);
        batch.Flush();
        progress?.Report($"boot fell back from generation {failed} to generation {booted}: {reason}; generation {newDefault} is the boot default");
        return new BootFallback(failed.Value, booted.Value, reason);
    }

    private ActivationRunner NewActivator() => new(layout, services, batch => WriteBootEntriesLocked(batch));

    private async Task<bool> RecoverLockedAsync(IProgress<string>? progress, bool live = true)
    {
        foreach (var dir in new[] { Profile.Directory, layout.EtcDir, Path.GetDirectoryName(layout.CurrentSystem)!, layout.StateDir })
        {
            AtomicLink.CleanLeftovers(dir);
            DurableFile.CleanLeftovers(dir);
        }
        var journal = ActivationJournal.Load(layout);
        if (journal == null)
        {
            // A deletion killed half-way leaves entries of generations that are gone.
            if (NeedsRecovery())
            {
                var batch = new SyncBatch();
                WriteBootEntriesLocked(batch);
                batch.Flush();
            }
            return false;
        }
        progress?.Report(live
            ? $"finishing an interrupted {journal.Mode.ToString().ToLowerInvariant()} of {journal.System}"
            : $"finishing an interrupted {journal.Mode.ToString().ToLowerInvariant()} of {journal.System} on disk only (generation, boot default, boot entries): this boot runs the system it booted");
        await NewActivator().RunAsync(journal, progress, live);
        return true;
    }

    private (StorePath System, GenerationNumber? Existing) Resolve(ActivationMode mode, ActivationTarget target)
    {
        switch (target)
        {
            case ActivationTarget.Path path:
                Validate(path.System);
                return (path.System, null);
            case ActivationTarget.Generation generation:
                var link = Profile.Find(generation.Number) ?? throw UnknownGeneration(generation.Number, Profile.Generations());
                Validate(link.System);
                return (link.System, generation.Number);
            case ActivationTarget.Rollback:
                if (mode is not (ActivationMode.Switch or ActivationMode.Boot))
                {
                    throw new BadInputException("--rollback works with switch and boot only");
                }
                var bootDefault = Profile.Default() ?? throw new BadInputException($"{Profile.DefaultLink}: no generation yet, nothing to roll back to");
                var previous = Profile.Generations().LastOrDefault(g => g.Number < bootDefault)
                    ?? throw new BadInputException($"no generation before {bootDefault} to roll back to");
                Validate(previous.System);
                return (previous.System, previous.Number);
            default:
                throw new ArgumentOutOfRangeException(nameof(target));
        }
    }

    private void Validate(StorePath system)
    {
        if (!store.IsValid(system))
        {
            throw SystemClosure.NotASystem(layout.StoreDir.Render(system), "not registered in the store (add it with 'qitech-os store add')");
        }
        SystemClosure.Open(layout, system);
    }

    private SystemClosure? TryOpen(StorePath system)
    {
        try
        {
            return SystemClosure.Open(layout, system);
        }
        catch (BadInputException)
        {
            return null;
        }
    }

    private IReadOnlyList<GenerationNumber> PruneLocked()
    {
        var keepLast = Retention.KeepLast;
        var generations = Profile.Generations();
        var protectedOnes = Protected(State());
        var knownGood = KnownGood();
        var pruned = new List<GenerationNumber>();
        var batch = new SyncBatch();
        foreach (var generation in generations.Take(Math.Max(0, generations.Count - keepLast)))
        {
            if (!protectedOnes.ContainsKey(generation.Number) && generation.Number != knownGood)
            {
                Profile.Delete(generation.Number, batch);
                pruned.Add(generation.Number);
            }
        }
        if (pruned.Count > 0)
        {
            WriteBootEntriesLocked(batch);
            batch.Flush();
        }
        return pruned;
    }

    /// <summary>
    /// Rewrites the boot entries, with the deployment of every generation's base made first
    /// (an entry never names a /usr that is not there) and the deployments no generation, nor
    /// the running or booted system, uses any more removed after.
    /// </summary>
    private IReadOnlyList<string> WriteBootEntriesLocked(SyncBatch batch)
    {
        var generations = Profile.Generations().Select(g => (g, TryOpen(g.System))).ToList();
        var deployments = new BaseDeployment(layout);
        var running = new[] { ReadSystemLink(layout.CurrentSystem), ReadSystemLink(layout.BootedSystem) }.OfType<StorePath>();
        var bases = generations.Select(g => g.g.System).Concat(running)
            .Select(s => store.IsValid(s) ? BaseDeployment.BaseOf(layout, s) : null).OfType<StorePath>().Distinct().ToList();
        foreach (var basePath in bases)
        {
            deployments.Deploy(basePath);
        }
        var ranking = new BootRanking(Profile.Default(), KnownGood(), Failed.All().Keys.ToHashSet());
        var written = new BootEntries(layout).Write(generations, ranking);
        deployments.RemoveUnused(bases);
        return written;
    }

    private Dictionary<GenerationNumber, string> Protected(SystemState state)
    {
        var result = new Dictionary<GenerationNumber, string>();
        if (state.Current is { } c)
        {
            result[c] = "is the current generation (switch to another first)";
        }
        if (state.Booted is { } b)
        {
            result.TryAdd(b, "is the booted generation (boot another first)");
        }
        if (state.BootDefault is { } d)
        {
            result.TryAdd(d, "is the boot default (make another the default first)");
        }
        if (ReadNextBoot() is { } once)
        {
            result.TryAdd(once, "is the one-shot next boot (choose another first)");
        }
        return result;
    }

    private List<StorePath> OtherRoots(SystemState state)
    {
        var roots = new List<StorePath>();
        if (state.CurrentSystem is { } c)
        {
            roots.Add(c);
        }
        if (state.BootedSystem is { } b)
        {
            roots.Add(b);
        }
        if (Directory.Exists(layout.GcRootsDir))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(layout.GcRootsDir, "*", SearchOption.AllDirectories))
            {
                if (new FileInfo(entry).LinkTarget is { } target && layout.StoreDir.TryParseWithSubpath(target, out var path, out _))
                {
                    roots.Add(path);
                }
            }
        }
        return roots;
    }

    private StorePath? ReadSystemLink(string path)
    {
        string? target;
        try
        {
            target = AtomicLink.ReadTarget(path);
        }
        catch (NotASymlinkException)
        {
            throw ProfileException.NotALink(path);
        }
        if (target == null)
        {
            return null;
        }
        return layout.StoreDir.TryParse(target, out var system, out _) ? system : throw ProfileException.BadGeneration(path, target);
    }

    private GenerationNumber? ReadNextBoot() => ReadNumberFile(NextBootFile);

    /// <summary>The valid system closure a <c>qitech.system=</c> kernel parameter names, if any.</summary>
    private StorePath? FromCommandLine(string commandLine)
    {
        const string Key = "qitech.system=";
        foreach (var word in commandLine.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.StartsWith(Key, StringComparison.Ordinal) && layout.StoreDir.TryParse(word.AsSpan(Key.Length), out var path, out _)
                && store.IsValid(path) && TryOpen(path) != null)
            {
                return path;
            }
        }
        return null;
    }

    private static GenerationNumber? ReadNumberFile(string path) =>
        File.Exists(path) && GenerationNumber.TryParse(File.ReadAllText(path).Trim(), out var n, out _) ? n : null;

    private static BadInputException UnknownGeneration(GenerationNumber number, IReadOnlyList<GenerationLink> generations) =>
        new($"generation {number} does not exist (generations: {(generations.Count == 0 ? "none" : string.Join(' ', generations.Select(g => g.Number)))})");
}
