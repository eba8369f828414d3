using System.CommandLine;
using System.Globalization;
using QiTech.Os.Cli.Operations;
using QiTech.Os.Contract;
using QiTech.Os.Nix;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os status</c>: current, booted and default generation and each service's state.
/// Asks the daemon when it runs; otherwise reads the root directly (services then come from
/// systemd when it is init, else none are supervised), through <see cref="ISystemOperations"/>.
/// </summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show the current, booted and boot-default generation and every service's state");
        command.SetAction(async (parse, cancel) =>
        {
            using var operations = SystemOperations.Open(parse);
            Print(await operations.StatusAsync(cancel), operations.StoreDir, operations.ThroughDaemon);
            return 0;
        });
        return command;
    }

    private static void Print(StatusJson status, StoreDirectory storeDir, bool daemonRunning)
    {
        Console.WriteLine($"current:      {Describe(status.Current, status.CurrentSystem, storeDir)}");
        Console.WriteLine($"booted:       {Describe(status.Booted, status.BootedSystem, storeDir)}");
        Console.WriteLine($"boot default: {Describe(status.BootDefault, null, storeDir)}");
        if (status.BootFallback is { } fallback)
        {
            Console.WriteLine($"fallback:     this boot fell back from generation {fallback.From} to generation {fallback.To}: {fallback.Reason}");
        }
        foreach (var generation in new[] { status.Current, status.BootDefault }.OfType<GenerationJson>().DistinctBy(g => g.Number).Where(g => g.Failure != null))
        {
            Console.WriteLine($"failed:       generation {generation.Number} did not start correctly: {generation.Failure}");
        }
        if (!daemonRunning)
        {
            Console.WriteLine("daemon:       not running (services start when qitech-osd boots this root)");
        }
        if (status.Services.Count == 0)
        {
            Console.WriteLine("services:     (none)");
            return;
        }
        var width = Math.Max(7, status.Services.Max(s => s.Name.Length));
        Console.WriteLine($"{"SERVICE".PadRight(width)}  {"STATE",-9} {"PID",-8} {"UPTIME",-10} RESTARTS");
        foreach (var s in status.Services)
        {
            var line = $"{s.Name.PadRight(width)}  {DaemonJson.WireName(s.State),-9} {(s.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"),-8} {Uptime(s.UptimeSeconds),-10} {s.Restarts}";
            Console.WriteLine(s.LastError == null ? line : $"{line}  ({s.LastError})");
        }
    }

    private static string Describe(GenerationJson? generation, StorePath? system, StoreDirectory storeDir)
    {
        if (generation != null)
        {
            return $"generation {generation.Number} ({generation.Name()}, {generation.Created:yyyy-MM-dd HH:mm}) {storeDir.Render(generation.StorePath)}";
        }
        return system is { } path ? $"{storeDir.Render(path)} (not a generation)" : "(none)";
    }

    private static string Uptime(long? seconds)
    {
        if (seconds is not { } s)
        {
            return "-";
        }
        var span = TimeSpan.FromSeconds(s);
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m" : span.TotalMinutes >= 1 ? $"{span.Minutes}m{span.Seconds:00}s" : $"{span.Seconds}s";
    }
}
