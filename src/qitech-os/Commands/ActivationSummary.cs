using QiTech.Os.Activation;
using QiTech.Os.Contract;
using QiTech.Os.Nix;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// Prints what an activation did, whether this process ran it or the daemon did (the job's
/// result), so both paths print the same lines.
/// </summary>
public static class ActivationSummary
{
    /// <summary>Prints the outcome (stdout) and failures with their log lines (stderr); returns the exit code.</summary>
    public static int Print(ActivationJson result, StoreDirectory storeDir, string verb)
    {
        var managed = result.ServicesManaged;
        if (result.Mode != ActivationMode.Boot)
        {
            Line(managed ? "stopped" : "to stop", result.Stopped);
            Line(managed ? "restarted" : "to restart", result.Restarted);
            Line(managed ? "started" : "to start", result.Started);
            Line(managed ? "left running" : "unchanged", result.Unchanged);
        }
        foreach (var check in result.Health ?? [])
        {
            Console.Out.WriteLine($"health: {check.Unit} {(check.Passed ? "passed" : "failed")}: {check.Detail}");
        }
        if (result.Rollback is { } rollback)
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
            foreach (var warning in result.Warnings)
            {
                Console.Error.WriteLine("warning: " + warning);
            }
            return 1;
        }
        var system = storeDir.Render(result.System);
        Console.Out.WriteLine(result.Mode switch
        {
            ActivationMode.Switch => $"generation {result.Generation} ({system}) is current and the boot default",
            ActivationMode.Boot => $"generation {result.Generation} ({system}) is the boot default from the next boot",
            _ => $"{system} is current until the next boot; the boot default is unchanged",
        });
        if (!managed && result.Mode != ActivationMode.Boot)
        {
            Console.Out.WriteLine("no service manager here (no systemd as init, no daemon): services start when qitech-osd boots this root");
        }
        if (result.Pruned.Count > 0)
        {
            Console.Out.WriteLine($"removed old generations by the retention setting: {string.Join(' ', result.Pruned)}");
        }
        foreach (var warning in result.Warnings)
        {
            Console.Error.WriteLine("warning: " + warning);
        }
        foreach (var failure in result.Failures)
        {
            Console.Error.WriteLine($"error: {failure.Unit} failed to {failure.Action}: {failure.Reason}");
            foreach (var line in failure.LastLogLines)
            {
                Console.Error.WriteLine("  | " + line);
            }
        }
        if (result.Failures.Count > 0)
        {
            Console.Error.WriteLine(result.Mode == ActivationMode.Switch
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
}
