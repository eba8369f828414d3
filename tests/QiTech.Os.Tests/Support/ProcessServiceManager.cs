using System.Diagnostics;
using QiTech.Os.Services;
using QiTech.Os.Store;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// A minimal real service manager for activation tests: runs each unit's <c>ExecStart=</c>
/// (read through the root's /etc links, as systemd would) as a real process, and records the
/// calls it gets. Systemd is not init here and the embedded supervisor lives in the daemon.
/// </summary>
public sealed class ProcessServiceManager(SystemLayout layout) : IServiceManager, IDisposable
{
    private readonly Dictionary<string, Process> _running = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = [];

    public int? Pid(string unit) => _running.TryGetValue(unit, out var p) && !p.HasExited ? p.Id : null;

    public Task ReloadAsync(CancellationToken cancel)
    {
        Calls.Add("reload");
        return Task.CompletedTask;
    }

    public Task StartAsync(string unit, CancellationToken cancel)
    {
        Calls.Add("start " + unit);
        if (Pid(unit) == null)
        {
            var unitFile = RootedPath.Resolve(layout, "/etc/systemd/system/" + unit);
            var exec = File.ReadLines(unitFile).Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..].Split(' ');
            var info = new ProcessStartInfo(exec[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in exec.Skip(1))
            {
                info.ArgumentList.Add(arg);
            }
            _running[unit] = Process.Start(info)!;
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(string unit, CancellationToken cancel)
    {
        Calls.Add("stop " + unit);
        Kill(unit);
        return Task.CompletedTask;
    }

    public async Task RestartAsync(string unit, CancellationToken cancel)
    {
        Calls.Add("restart " + unit);
        Kill(unit);
        await StartAsync(unit, cancel);
        Calls.RemoveAt(Calls.Count - 1);
    }

    public Task<IReadOnlyList<ServiceStatus>> StatusAsync(CancellationToken cancel) =>
        Task.FromResult<IReadOnlyList<ServiceStatus>>(_running.Select(kv => new ServiceStatus(
            kv.Key,
            kv.Value.HasExited ? (kv.Value.ExitCode == 0 ? ServiceState.Inactive : ServiceState.Failed) : ServiceState.Running,
            kv.Value.HasExited ? null : kv.Value.Id,
            null,
            0)).ToList());

    private void Kill(string unit)
    {
        if (_running.Remove(unit, out var process))
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var unit in _running.Keys.ToList())
        {
            Kill(unit);
        }
    }
}
