using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Platform;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// What an activation did, whether this process ran it or the daemon did (from the job's
/// result), so both paths print the same lines.
/// </summary>
public sealed record ActivationSummary(
    ActivationMode Mode,
    string System,
    int? Generation,
    bool ServicesManaged,
    IReadOnlyList<string> Stopped,
    IReadOnlyList<string> Restarted,
    IReadOnlyList<string> Started,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<DaemonUnitFailure> Failures,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<int> Pruned,
    IReadOnlyList<DaemonUnitHealth> Health,
    DaemonRollback? Rollback)
{
    public static ActivationSummary From(ActivationResult result, SystemLayout layout) => new(
        result.Mode,
        layout.StoreDir.Render(result.System),
        result.Generation?.Value,
        result.ServicesManaged,
        result.Plan.Stop,
        result.Plan.Restart,
        result.Plan.Start,
        result.Plan.Unchanged,
        result.Failures.Select(f => new DaemonUnitFailure(f.Unit, f.Action, f.Reason, f.LastLogLines)).ToList(),
        result.Warnings,
        result.Pruned.Select(p => p.Value).ToList(),
        result.Checks.Select(h => new DaemonUnitHealth(h.Unit, h.Check, h.Passed, h.Detail)).ToList(),
        result.Rollback is { } r ? new DaemonRollback(
            r.Message, r.Reason, r.Unit, r.LastLogLines,
            Ref(r.Failed, layout), r.RunningAgain is { } back ? Ref(back, layout) : null, r.BootDefault?.Value, r.Cancelled) : null);

    public static ActivationSummary From(DaemonActivation result) => new(
        Enum.Parse<ActivationMode>(result.Mode, ignoreCase: true),
        result.System,
        result.Generation,
        result.ServicesManaged,
        result.Stopped,
        result.Restarted,
        result.Started,
        result.Unchanged,
        result.Failures,
        result.Warnings,
        result.Pruned,
        result.Health ?? [],
        result.Rollback);

    /// <summary>Prints the outcome (stdout) and failures with their log lines (stderr); returns the exit code.</summary>
    public int Print(string verb)
    {
        if (Mode != ActivationMode.Boot)
        {
            Line(ServicesManaged ? "stopped" : "to stop", Stopped);
            Line(ServicesManaged ? "restarted" : "to restart", Restarted);
            Line(ServicesManaged ? "started" : "to start", Started);
            Line(ServicesManaged ? "left running" : "unchanged", Unchanged);
        }
        foreach (var check in Health)
        {
            Console.Out.WriteLine($"health: {check.Unit} {(check.Passed ? "passed" : "failed")}: {check.Detail}");
        }
        if (Rollback is { } rollback)
        {
            // The operator's words first: what failed, what runs now, why.
            Console.Error.WriteLine($"error: {rollback.Message}");
            Console.Error.WriteLine($"  reason: {rollback.Reason}");
            foreach (var line in rollback.LastLogLines)
            {
                Console.Error.WriteLine("  | " + line);
            }
            if (rollback.Unit != null)
            {
                Console.Error.WriteLine($"  logs: qitech-os logs {rollback.Unit}");
            }
            foreach (var warning in Warnings)
            {
                Console.Error.WriteLine("warning: " + warning);
            }
            return 1;
        }
        Console.Out.WriteLine(Mode switch
        {
            ActivationMode.Switch => $"generation {Generation} ({System}) is current and the boot default",
            ActivationMode.Boot => $"generation {Generation} ({System}) is the boot default from the next boot",
            _ => $"{System} is current until the next boot; the boot default is unchanged",
        });
        if (!ServicesManaged && Mode != ActivationMode.Boot)
        {
            Console.Out.WriteLine("no service manager here (no systemd as init, no daemon): services start when qitech-osd boots this root");
        }
        if (Pruned.Count > 0)
        {
            Console.Out.WriteLine($"removed old generations by the retention setting: {string.Join(' ', Pruned)}");
        }
        foreach (var warning in Warnings)
        {
            Console.Error.WriteLine("warning: " + warning);
        }
        foreach (var failure in Failures)
        {
            Console.Error.WriteLine($"error: {failure.Unit} failed to {failure.Action}: {failure.Reason}");
            foreach (var line in failure.LastLogLines)
            {
                Console.Error.WriteLine("  | " + line);
            }
        }
        if (Failures.Count > 0)
        {
            Console.Error.WriteLine(Mode == ActivationMode.Switch
                ? "the previous generation is one 'qitech-os switch --rollback' away"
                : $"{verb} finished with failed units");
            return 1;
        }
        return 0;

        static void Line(string label, IReadOnlyList<string> units)
        {
            if (units.Count > 0)
            {
                Console.Out.WriteLine($"{label}: {string.Join(' ', units)}");
            }
        }
    }

    private static DaemonVersionRef Ref(VersionRef version, SystemLayout layout) =>
        new(layout.StoreDir.Render(version.System), version.Generation?.Value, version.Label);
}
