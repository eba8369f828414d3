using System.Globalization;
using System.Text.RegularExpressions;
using QiTech.Os.Errors;
using QiTech.Os.Platform;
using QiTech.Os.Services;
using QiTech.Os.Store;

namespace QiTech.Os.Activation;

/// <summary>
/// Drives systemd on a real machine (root "/", systemd as PID 1) through <c>systemctl</c>;
/// the units are those the current system links under /etc/systemd/system. Unit names are
/// checked before they reach a command line.
/// </summary>
public sealed partial class SystemdServiceManager(SystemLayout layout) : IServiceManager, ISystemSetup
{
    private const int JournalLines = 10;

    /// <summary>True when <paramref name="layout"/> is the running machine and systemd is its init.</summary>
    public static bool IsAvailable(SystemLayout layout)
    {
        try
        {
            return layout.Root == "/" && File.ReadAllText("/proc/1/comm").Trim() == "systemd";
        }
        catch (IOException)
        {
            return false;
        }
    }

    public Task ReloadAsync(CancellationToken cancel) => Systemctl(cancel, "daemon-reload");

    public Task StartAsync(string unit, CancellationToken cancel) => Systemctl(cancel, "start", Checked(unit));

    public Task StopAsync(string unit, CancellationToken cancel) => Systemctl(cancel, "stop", Checked(unit));

    public Task RestartAsync(string unit, CancellationToken cancel) => Systemctl(cancel, "restart", Checked(unit));

    public async Task<IReadOnlyList<ServiceStatus>> StatusAsync(CancellationToken cancel)
    {
        var dir = layout.EtcDir + "/static/systemd/system";
        var units = Directory.Exists(dir)
            ? Directory.EnumerateFileSystemEntries(dir, "*.service").Select(Path.GetFileName).OfType<string>().Where(IsUnitName).Order(StringComparer.Ordinal).ToList()
            : [];
        if (units.Count == 0)
        {
            return [];
        }
        var result = await ProcessRunner.RunAsync(new ProcessCommand("systemctl",
            ["show", "--property=Id,ActiveState,MainPID,ActiveEnterTimestampMonotonic,NRestarts,Result", "--", .. units]), cancel);
        var now = Environment.TickCount64 * 1000;
        var statuses = new List<ServiceStatus>();
        foreach (var block in result.StdoutText.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var p = block.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]);
            var state = p.GetValueOrDefault("ActiveState") switch
            {
                "active" or "reloading" => ServiceState.Running,
                "activating" => ServiceState.Starting,
                "deactivating" => ServiceState.Stopping,
                "failed" => ServiceState.Failed,
                _ => ServiceState.Inactive,
            };
            int? pid = int.TryParse(p.GetValueOrDefault("MainPID"), CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;
            TimeSpan? uptime = state == ServiceState.Running && long.TryParse(p.GetValueOrDefault("ActiveEnterTimestampMonotonic"), CultureInfo.InvariantCulture, out var since) && since > 0
                ? TimeSpan.FromMicroseconds(Math.Max(0, now - since))
                : null;
            var restarts = int.TryParse(p.GetValueOrDefault("NRestarts"), CultureInfo.InvariantCulture, out var r) ? r : 0;
            statuses.Add(new ServiceStatus(p.GetValueOrDefault("Id") ?? "?", state, pid, uptime, restarts,
                state == ServiceState.Failed ? p.GetValueOrDefault("Result") : null));
        }
        return statuses;
    }

    /// <summary>sysusers, tmpfiles, sysctl and udev, each run only where the host has it.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancel)
    {
        var problems = new List<string>();
        (string? Program, string[] Args)[] steps =
        [
            (ProcessRunner.Find("/usr/bin/systemd-sysusers", "/bin/systemd-sysusers"), []),
            (ProcessRunner.Find("/usr/bin/systemd-tmpfiles", "/bin/systemd-tmpfiles"), ["--create", "--remove"]),
            (ProcessRunner.Find("/usr/lib/systemd/systemd-sysctl", "/lib/systemd/systemd-sysctl"), []),
            (ProcessRunner.Find("/usr/bin/udevadm", "/bin/udevadm"), ["control", "--reload"]),
        ];
        foreach (var (program, args) in steps)
        {
            if (program == null)
            {
                continue;
            }
            var result = await ProcessRunner.RunAsync(new ProcessCommand(program, args), cancel);
            if (result.ExitCode != 0)
            {
                problems.Add($"{Path.GetFileName(program)} failed (exit {result.ExitCode}): {FirstLine(result.Stderr)}");
            }
        }
        return problems;
    }

    private static async Task Systemctl(CancellationToken cancel, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(new ProcessCommand("systemctl", args), cancel);
        if (result.ExitCode != 0)
        {
            var unit = args.Length > 1 ? args[^1] : null;
            var journal = unit == null ? "" : (await ProcessRunner.RunAsync(new ProcessCommand("journalctl",
                ["-u", unit, "-n", JournalLines.ToString(CultureInfo.InvariantCulture), "--no-pager", "-o", "cat"]), cancel)).StdoutText.TrimEnd();
            throw new QiTechOsException($"systemctl {string.Join(' ', args)} failed: {FirstLine(result.Stderr)}"
                + (journal.Length > 0 ? "\n" + journal : ""));
        }
    }

    private static string Checked(string unit) =>
        IsUnitName(unit) ? unit : throw new BadInputException($"'{unit}' is not a unit name");

    private static bool IsUnitName(string unit) => UnitName().IsMatch(unit);

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9:_.\\@-]*\.(service|socket|timer|path|target|mount)$")]
    private static partial Regex UnitName();
}
