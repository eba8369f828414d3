using QiTech.Os.Config;
using QiTech.Os.Generations;
using QiTech.Os.Services;
using QiTech.Os.Store;

namespace QiTech.Os.Health;

/// <summary>
/// Waits until units pass their health checks. All are watched at once from the start; each
/// is shown as a step in turn ("check app.service"), and the first failure ends the wait.
/// A unit passes when it runs, has run without a restart for <c>ActiveSec</c>, and at that
/// moment its URL answers 2xx and its command exits 0; it fails at once when it exits or
/// fails (a crash loop that hits the start limit), else when the deadline passes.
/// </summary>
public sealed class HealthGate(SystemLayout layout, IServiceManager services, TimeProvider? time = null)
{
    /// <summary>How often a unit's state is read and its probes run.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private const int LogLinesShown = 10;
    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(5);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The checks the units of <paramref name="closure"/> declare (units without one are left out).</summary>
    public static IReadOnlyList<UnitCheck> ChecksOf(SystemLayout layout, SystemClosure closure, IEnumerable<string> units)
    {
        var result = new List<UnitCheck>();
        var files = ClosureUnits.Read(layout, closure.LogicalPath);
        foreach (var unit in units.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (!files.Files.TryGetValue(unit, out var file))
            {
                continue;
            }
            var logical = $"{files.LogicalFolder}/{unit}";
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            try
            {
                if (HealthCheck.Read(text, logical) is { } check)
                {
                    result.Add(new UnitCheck(unit, check));
                }
            }
            catch (UnitFileException e)
            {
                result.Add(new UnitCheck(unit, null, e.Message));
            }
        }
        return result;
    }

    public async Task<HealthOutcome> WaitAsync(IReadOnlyList<UnitCheck> checks, SystemClosure system, IStepReporter? steps, CancellationToken cancel)
    {
        if (checks.Count == 0)
        {
            return HealthOutcome.Nothing;
        }
        using var probe = new HealthProbe(new RootPathMapper(layout), RootedPath.Resolve(layout, system.LogicalPath));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var firstFailure = new TaskCompletionSource<UnitHealth>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watches = checks.Select(c => WatchAsync(c, probe, stop.Token)).ToList();
        foreach (var watch in watches)
        {
            _ = watch.ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully && !t.Result.Passed)
                    {
                        firstFailure.TrySetResult(t.Result);
                    }
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        var results = new List<UnitHealth>();
        var cancelled = false;
        for (var i = 0; i < checks.Count; i++)
        {
            steps?.Begin($"check {checks[i].Unit}");
            await Task.WhenAny(watches[i], firstFailure.Task);
            if (watches[i].IsCompletedSuccessfully)
            {
                var result = watches[i].Result;
                results.Add(result);
                steps?.End(result.Passed ? JobState.Succeeded : JobState.Failed);
                if (!result.Passed)
                {
                    break;
                }
                continue;
            }
            if (watches[i].IsCanceled || cancel.IsCancellationRequested)
            {
                cancelled = true;
                steps?.End(JobState.Cancelled);
                break;
            }
            // Another unit failed while this one was still undecided.
            steps?.End(JobState.Cancelled);
            var failed = firstFailure.Task.Result;
            results.Add(failed);
            steps?.Begin($"check {failed.Unit}");
            steps?.End(JobState.Failed);
            break;
        }
        stop.Cancel();
        try
        {
            await Task.WhenAll(watches);
        }
        catch (OperationCanceledException)
        {
            // The watches still running were stopped.
        }
        return new HealthOutcome(results, cancelled);
    }

    private async Task<UnitHealth> WatchAsync(UnitCheck unit, HealthProbe probe, CancellationToken cancel)
    {
        await Task.Yield();
        try
        {
            return await WatchUnitAsync(unit, probe, cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The service manager or a probe broke down: the check could not pass.
            return Result(unit.Unit, unit.Check?.Describe() ?? "(unreadable)", false, $"the check could not run: {e.Message}");
        }
    }

    private async Task<UnitHealth> WatchUnitAsync(UnitCheck unit, HealthProbe probe, CancellationToken cancel)
    {
        if (unit.Check is not { } check)
        {
            return Result(unit.Unit, "(unreadable)", false, unit.Problem ?? "no check");
        }
        var description = check.Describe();
        var deadline = _time.GetUtcNow() + check.Deadline;
        int? pid = null;
        var restarts = 0;
        var seenRestarts = -1;
        var upSince = DateTimeOffset.MinValue;
        var last = "not probed yet";
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            var status = (await services.StatusAsync(cancel)).FirstOrDefault(s => s.Name == unit.Unit);
            var now = _time.GetUtcNow();
            switch (status?.State)
            {
                case null or ServiceState.Inactive:
                    return Result(unit.Unit, description, false, $"is not running (it exited){Restarted(restarts)}; last: {last}");
                case ServiceState.Failed:
                    return Result(unit.Unit, description, false, $"failed: {status.LastError ?? "no cause given"}{Restarted(restarts)}; last: {last}");
                case ServiceState.Running when status.Pid is { } running:
                    if (pid != running || seenRestarts != status.Restarts)
                    {
                        if (pid != null)
                        {
                            restarts++;
                        }
                        pid = running;
                        seenRestarts = status.Restarts;
                        upSince = now - (status.Uptime ?? TimeSpan.Zero);
                    }
                    var up = now - upSince;
                    if (check.Active is { } active && up < active)
                    {
                        last = $"up {up.TotalSeconds:0.#} s of {active.TotalSeconds:0} s";
                        break;
                    }
                    var limit = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(200).Ticks, Math.Min(ProbeLimit.Ticks, (deadline - now).Ticks)));
                    var (passed, output) = check.Http == null && check.Command == null
                        ? (true, $"up {up.TotalSeconds:0.#} s without a restart")
                        : await probe.RunAsync(check, limit, cancel);
                    last = output;
                    if (passed && await StillTheSame(unit.Unit, running, seenRestarts, cancel))
                    {
                        return Result(unit.Unit, description, true, output + Restarted(restarts));
                    }
                    break;
                default:
                    last = $"{status.State.ToString().ToLowerInvariant()}{(status.LastError is { } error ? $" ({error})" : "")}";
                    break;
            }
            if (_time.GetUtcNow() >= deadline)
            {
                return Result(unit.Unit, description, false, $"not healthy within {check.Deadline.TotalSeconds:0} s{Restarted(restarts)}; last: {last}");
            }
            await Task.Delay(Interval, _time, cancel);
        }
    }

    /// <summary>A probe that passed counts only when the process it reached still runs.</summary>
    private async Task<bool> StillTheSame(string unit, int pid, int restarts, CancellationToken cancel)
    {
        var status = (await services.StatusAsync(cancel)).FirstOrDefault(s => s.Name == unit);
        return status is { State: ServiceState.Running } && status.Pid == pid && status.Restarts == restarts;
    }

    private UnitHealth Result(string unit, string check, bool passed, string detail) =>
        new(unit, check, passed, detail, passed ? [] : UnitLog.LastLines(layout, unit, LogLinesShown));

    private static string Restarted(int restarts) => restarts == 0 ? "" : $" (restarted {restarts} time{(restarts == 1 ? "" : "s")} during the wait)";
}
