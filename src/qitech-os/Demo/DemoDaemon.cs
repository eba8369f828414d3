using System.Diagnostics;
using System.Globalization;
using QiTech.Os.Client;
using QiTech.Os.Errors;
using QiTech.Os.Platform;
using QiTech.Os.Services;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Demo;

/// <summary>
/// The demo's <c>qitech-osd --root R --embedded</c>, running in the background in its own
/// session: its output goes to <c>R/var/log/qitech-osd.log</c>, its pid and kernel start time
/// to <c>R/run/qitech-osd.pid</c>, so a later run finds it (and never signals a reused pid).
/// </summary>
public sealed class DemoDaemon(SystemLayout layout, string daemonDll)
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    public string PidFile { get; } = layout.Physical("/run/qitech-osd.pid");

    public string LogFile { get; } = layout.Physical("/var/log/qitech-osd.log");

    /// <summary>The recorded daemon's pid when that very process still runs, else null.</summary>
    public int? RunningPid()
    {
        if (!File.Exists(PidFile))
        {
            return null;
        }
        var parts = File.ReadAllText(PidFile).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid)
            && ulong.TryParse(parts[1], CultureInfo.InvariantCulture, out var start) && ProcessGroups.StartTime(pid) == start
            ? pid
            : null;
    }

    /// <summary>True when the daemon program was built after the recorded daemon started.</summary>
    public bool IsOutdated() => File.Exists(PidFile) && File.GetLastWriteTimeUtc(daemonDll) > File.GetLastWriteTimeUtc(PidFile);

    /// <summary>Starts the daemon and waits until it answers on its socket; returns a client on it.</summary>
    public async Task<DaemonClient> StartAsync(CancellationToken cancel)
    {
        if (!File.Exists(daemonDll))
        {
            throw new QiTechOsException($"qitech-osd is not built ({daemonDll} is missing): run ./qitech-os demo from the checkout, which builds it");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
        Directory.CreateDirectory(Path.GetDirectoryName(PidFile)!);
        // setsid: the daemon outlives this command and a Ctrl-C in its terminal. The script is
        // fixed; the paths reach it only as positional parameters. Not ProcessRunner: that one is
        // for programs that end with the caller, and this one must not.
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var arg in (string[])["sh", "-c", "exec \"$@\" >>\"$0\" 2>&1 </dev/null", LogFile, "dotnet", daemonDll, "--root", layout.Root, "--embedded"])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start) ?? throw new QiTechOsException("could not start setsid to run qitech-osd");
        // setsid execs in place (this child leads no process group), so the pid is the daemon's.
        var pid = process.Id;
        var startTime = ProcessGroups.StartTime(pid);
        File.WriteAllText(PidFile + ".tmp", $"{pid} {startTime}\n");
        File.Move(PidFile + ".tmp", PidFile, overwrite: true);

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (DaemonClient.TryConnect(layout) is { } client)
            {
                try
                {
                    await client.StatusAsync(cancel);
                    return client;
                }
                catch (QiTechOsException)
                {
                    client.Dispose();
                }
            }
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                File.Delete(PidFile);
                throw new QiTechOsException($"qitech-osd did not come up{(process.HasExited ? $" (exit code {process.ExitCode})" : "")}; its log:\n{Tail(LogFile, 20)}");
            }
            await Task.Delay(200, cancel);
        }
    }

    /// <summary>SIGTERM (the daemon stops its services first), SIGKILL after <paramref name="grace"/>; true when one was running.</summary>
    public bool Stop(TimeSpan grace)
    {
        if (RunningPid() is not { } pid)
        {
            File.Delete(PidFile);
            return false;
        }
        var start = ProcessGroups.StartTime(pid);
        // setsid made the daemon lead its own process group: the group is the daemon and its helpers.
        ProcessGroups.Signal(pid, SigTerm);
        var deadline = DateTime.UtcNow + grace;
        while (ProcessGroups.StartTime(pid) == start && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }
        if (ProcessGroups.StartTime(pid) == start)
        {
            ProcessGroups.Signal(pid, SigKill);
            // A killed daemon could not stop its services: end them as its next start would.
            new ServicePidFiles(layout).KillLeftovers(TimeSpan.FromSeconds(10));
        }
        File.Delete(PidFile);
        return true;
    }

    public static string Tail(string file, int lines) =>
        File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(lines)) : "(no log)";
}
