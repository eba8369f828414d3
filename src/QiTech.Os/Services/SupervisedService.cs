using System.Diagnostics;
using QiTech.Os.Config;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Services;

/// <summary>
/// One service under the embedded supervisor: a run loop that launches its process (its own
/// session and process group, stdout/stderr into the rotating log), applies Restart= after
/// an exit, and stops it with SIGTERM to the group, then SIGKILL after TimeoutStopSec.
/// </summary>
internal sealed class SupervisedService : IDisposable
{
    private static readonly string[] StandardPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _launchLock = new();
    private readonly RootPathMapper _mapper;
    private readonly SupervisorOptions _options;
    private readonly ServicePidFiles _pidFiles;
    private readonly StartLimit _startLimit;
    private readonly TimeProvider _time;
    private int? _pid;
    private Task _output = Task.CompletedTask;
    private Task? _loop;
    // Set by the loop once it will not run the service again (failed for good, or done).
    private volatile bool _loopEnding;
    private CancellationTokenSource? _lifetime;

    public SupervisedService(string name, RootPathMapper mapper, SupervisorOptions options, ServicePidFiles pidFiles)
    {
        Name = name;
        _mapper = mapper;
        _options = options;
        _pidFiles = pidFiles;
        _time = options.Time;
        _startLimit = new StartLimit(options.StartLimitBurst, options.StartLimitInterval, options.Time);
        Log = new RotatingLog(LogPath(mapper.Layout, name), options.LogMaxBytes, options.LogKeep);
    }

    public string Name { get; }

    public RotatingLog Log { get; }

    /// <summary>The definition the running (or last) instance was started from.</summary>
    public ServiceUnit? Unit { get; private set; }

    public LoadedSystem? System { get; private set; }

    public ServiceState State { get; private set; } = ServiceState.Inactive;

    public int Restarts { get; private set; }

    public string? LastError { get; private set; }

    private DateTimeOffset? _startedAt;

    public bool IsActive => _loop is { IsCompleted: false };

    public static string LogPath(SystemLayout layout, string unit) => ServiceLogReader.PathFor(layout, unit);

    public ServiceStatus Status()
    {
        var pid = _pid;
        var running = State == ServiceState.Running && pid != null;
        return new ServiceStatus(Name, State, running ? pid : null, running ? _time.GetUtcNow() - _startedAt : null, Restarts, LastError);
    }

    /// <summary>
    /// Starts the service unless it is active. Returns once the process runs (a oneshot: once
    /// its commands finished); throws <see cref="ServiceStartException"/> when that fails.
    /// </summary>
    public async Task StartAsync(ServiceUnit unit, LoadedSystem system, CancellationToken cancel)
    {
        TaskCompletionSource started;
        await _gate.WaitAsync(cancel);
        try
        {
            // A loop that has decided to end is only finishing (it forgets its pid files last):
            // wait for it, or this start would be taken for that run still being active.
            if (_loopEnding && _loop is { } ending)
            {
                await ending;
            }
            if (IsActive)
            {
                return;
            }
            Unit = unit;
            System = system;
            LastError = null;
            // The start limit ends crash loops of automatic restarts; a start asked for (a
            // switch to a fixed version, an operator's restart) begins a fresh count.
            _startLimit.Reset();
            State = ServiceState.Starting;
            _lifetime = new CancellationTokenSource();
            _loopEnding = false;
            started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var lifetime = _lifetime.Token;
            _loop = Task.Run(() => RunLoopAsync(unit, system, started, lifetime), CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
        await started.Task.WaitAsync(cancel);
    }

    /// <summary>Stops the service and every process of its group; returns when none is left.</summary>
    public async Task StopAsync(CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel);
        try
        {
            var loop = _loop;
            if (loop == null || loop.IsCompleted)
            {
                return;
            }
            int? pid;
            lock (_launchLock)
            {
                _lifetime!.Cancel();
                pid = _pid;
            }
            State = ServiceState.Stopping;
            var timeout = Unit!.TimeoutStopSec;
            if (pid != null)
            {
                Log.WriteLine($"qitech-osd: stopping (SIGTERM to process group {pid})");
                SignalTree(pid.Value, Posix.SIGTERM);
                var ended = await WaitGroupEndedAsync(pid.Value, loop, timeout, _time);
                if (!ended)
                {
                    Log.WriteLine($"qitech-osd: still running after {timeout?.TotalSeconds}s, sending SIGKILL");
                    SignalTree(pid.Value, Posix.SIGKILL);
                    await WaitGroupEndedAsync(pid.Value, loop, TimeSpan.FromSeconds(10), _time);
                }
            }
            await loop;
            State = ServiceState.Inactive;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        Log.Dispose();
        _lifetime?.Dispose();
    }

    private async Task RunLoopAsync(ServiceUnit unit, LoadedSystem system, TaskCompletionSource started, CancellationToken lifetime)
    {
        var firstRun = true;
        try
        {
            while (true)
            {
                if (!_startLimit.TryCountStart())
                {
                    _loopEnding = true;
                    Fail($"start limit hit ({_options.StartLimitBurst} starts within {_options.StartLimitInterval.TotalSeconds}s)", started);
                    return;
                }
                if (!firstRun)
                {
                    Restarts++;
                }
                var success = unit.Type == ServiceType.Oneshot
                    ? await RunOneshotAsync(unit, system, lifetime)
                    : await RunSimpleAsync(unit, system, started, lifetime);
                if (lifetime.IsCancellationRequested)
                {
                    started.TrySetResult();
                    return;
                }
                var restart = unit.Restart == RestartPolicy.Always || unit.Restart == RestartPolicy.OnFailure && !success;
                if (!restart)
                {
                    _loopEnding = true;
                    State = success ? ServiceState.Inactive : ServiceState.Failed;
                    if (success || !firstRun || unit.Type != ServiceType.Oneshot)
                    {
                        started.TrySetResult();
                    }
                    else
                    {
                        started.TrySetException(new ServiceStartException(Name, LastError ?? "failed", ServiceLogReader.Tail(Log.Path, 10)));
                    }
                    return;
                }
                if (unit.Type == ServiceType.Oneshot && success)
                {
                    started.TrySetResult();
                }
                firstRun = false;
                State = ServiceState.Starting;
                Log.WriteLine($"qitech-osd: restarting in {unit.RestartSec.TotalSeconds}s (Restart={(unit.Restart == RestartPolicy.OnFailure ? "on-failure" : "always")})");
                try
                {
                    await Task.Delay(unit.RestartSec, _time, lifetime);
                }
                catch (OperationCanceledException)
                {
                    started.TrySetResult();
                    return;
                }
            }
        }
        catch (Exception e)
        {
            _loopEnding = true;
            Fail("supervisor error: " + e.Message, started);
        }
        finally
        {
            _pidFiles.Forget(Name);
            if (State is ServiceState.Running or ServiceState.Starting or ServiceState.Stopping)
            {
                State = ServiceState.Inactive;
            }
        }
    }

    private void Fail(string cause, TaskCompletionSource started)
    {
        LastError = cause;
        State = ServiceState.Failed;
        Log.WriteLine("qitech-osd: " + cause);
        started.TrySetException(new ServiceStartException(Name, cause, ServiceLogReader.Tail(Log.Path, 10)));
    }

    /// <summary>Runs the main process until it exits; true when it counts as a success.</summary>
    private async Task<bool> RunSimpleAsync(ServiceUnit unit, LoadedSystem system, TaskCompletionSource started, CancellationToken lifetime)
    {
        var command = unit.ExecStart[0];
        var process = Launch(unit, system, command, lifetime, out var cause);
        if (process == null)
        {
            if (cause != null)
            {
                Fail(cause, started);
            }
            return false;
        }
        State = ServiceState.Running;
        // A service that dies within the settle time did not really start: say so to the
        // caller (a switch reports it with the log), instead of "started" and a failure later.
        var exit = process.WaitForExitAsync(CancellationToken.None);
        if (await Task.WhenAny(exit, Task.Delay(_options.StartSettleTime, CancellationToken.None)) != exit)
        {
            started.TrySetResult();
        }
        var success = await WaitAndReportAsync(process, command, lifetime);
        if (success || lifetime.IsCancellationRequested)
        {
            started.TrySetResult();
        }
        else
        {
            started.TrySetException(new ServiceStartException(Name, LastError ?? "failed", ServiceLogReader.Tail(Log.Path, 10)));
        }
        return success;
    }

    private async Task<bool> RunOneshotAsync(ServiceUnit unit, LoadedSystem system, CancellationToken lifetime)
    {
        State = ServiceState.Starting;
        foreach (var command in unit.ExecStart)
        {
            var process = Launch(unit, system, command, lifetime, out var cause);
            if (process == null)
            {
                if (cause != null)
                {
                    LastError = cause;
                    Log.WriteLine("qitech-osd: " + cause);
                }
                return false;
            }
            if (!await WaitAndReportAsync(process, command, lifetime))
            {
                return false;
            }
        }
        return true;
    }

    private async Task<bool> WaitAndReportAsync(Process process, ExecCommand command, CancellationToken lifetime)
    {
        var pid = process.Id;
        await process.WaitForExitAsync(CancellationToken.None);
        var status = process.ExitCode;
        // Whatever the main process left behind in its group goes with it, as systemd's KillMode=control-group.
        if (ProcessGroups.LiveMembers(pid).Count > 0)
        {
            SignalTree(pid, Posix.SIGTERM);
            await WaitGroupEndedAsync(pid, Task.CompletedTask, TimeSpan.FromSeconds(5), _time);
            SignalTree(pid, Posix.SIGKILL);
        }
        lock (_launchLock)
        {
            _pid = null;
        }
        // The last lines reach the log before the exit does (a oneshot's caller reads them);
        // bounded, since a process that escaped the group may hold the pipe open.
        await Task.WhenAny(_output, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
        process.Dispose();
        if (lifetime.IsCancellationRequested)
        {
            Log.WriteLine($"qitech-osd: stopped (status {status})");
            return true;
        }
        var success = status == 0 || command.IgnoreFailure;
        Log.WriteLine($"qitech-osd: exited with status {status}{(status > 128 ? $" (signal {status - 128})" : "")}");
        if (!success)
        {
            LastError = $"exited with status {status}";
        }
        return success;
    }

    /// <summary>Starts one command; null with a cause when it cannot, null without one when stopping.</summary>
    private Process? Launch(ServiceUnit unit, LoadedSystem system, ExecCommand command, CancellationToken lifetime, out string? cause)
    {
        cause = null;
        _output = Task.CompletedTask;
        Dictionary<string, string> environment;
        try
        {
            environment = BuildEnvironment(unit, system);
        }
        catch (Exception e) when (e is IOException or UnitFileException or UnauthorizedAccessException)
        {
            cause = e.Message;
            return null;
        }
        if (!ExecLineSplitter.TrySplit(command.CommandLine, command.NoSubstitution ? null : environment, out var words, out var error))
        {
            cause = $"{command.Location}: ExecStart= cannot be split ({error})";
            return null;
        }
        var program = ResolveProgram(words[0], system);
        if (program == null)
        {
            cause = $"{command.Location}: program '{words[0]}' not found or not executable";
            return null;
        }
        if (!PrepareStateDirectories(unit, environment, out cause))
        {
            return null;
        }
        var workingDirectory = ResolveWorkingDirectory(unit, environment, out cause);
        if (workingDirectory == null)
        {
            return null;
        }
        // Not ProcessRunner: a service runs for long, its pid is recorded at once, its output goes
        // line by line into the rotating log and User= puts setpriv in front of it.
        var start = new ProcessStartInfo(ProcessRunner.SetsidPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        if (!AddCredentials(unit, start, environment, out cause))
        {
            return null;
        }
        start.ArgumentList.Add(program);
        foreach (var word in words.Skip(1))
        {
            start.ArgumentList.Add(_mapper.Map(word));
        }
        start.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        lock (_launchLock)
        {
            if (lifetime.IsCancellationRequested)
            {
                return null;
            }
            var process = Process.Start(start)!;
            process.StandardInput.Close();
            _pid = process.Id;
            _startedAt = _time.GetUtcNow();
            _pidFiles.Record(Name, process.Id);
            Log.WriteLine($"qitech-osd: started pid {process.Id}: {string.Join(' ', words)}");
            _output = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
            return process;
        }
    }

    private async Task PumpAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                Log.WriteLine(line);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe closed with the process: nothing more to log.
        }
        finally
        {
            // Process.Dispose leaves redirected streams open: free the pipe now, not at a GC.
            reader.Dispose();
        }
    }

    private Dictionary<string, string> BuildEnvironment(ServiceUnit unit, LoadedSystem system)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = string.Join(':', [Path.Combine(system.PhysicalPath, "sw/bin"), .. StandardPath]),
            ["LANG"] = "C.UTF-8",
        };
        foreach (var (key, value) in system.Version.Variables())
        {
            environment[key] = value;
        }
        if (!_mapper.IsIdentity)
        {
            environment["QITECH_ROOT"] = _mapper.Layout.Root;
        }
        foreach (var (key, value) in unit.Environment)
        {
            environment[key] = value;
        }
        foreach (var file in unit.EnvironmentFiles)
        {
            var physical = _mapper.ResolvePhysical(_mapper.Map(file.Path));
            if (!File.Exists(physical))
            {
                if (file.Optional)
                {
                    continue;
                }
                throw new IOException($"EnvironmentFile={file.Path}: not found");
            }
            foreach (var (key, value) in EnvironmentAssignments.ParseFile(File.ReadAllText(physical), file.Path))
            {
                environment[key] = value;
            }
        }
        return environment;
    }

    private string? ResolveProgram(string program, LoadedSystem system)
    {
        IEnumerable<string> candidates = program.StartsWith('/')
            ? [_mapper.Map(program)]
            : [Path.Combine(system.PhysicalPath, "sw/bin", program), .. StandardPath.Select(d => Path.Combine(d, program))];
        foreach (var candidate in candidates)
        {
            string physical;
            try
            {
                physical = _mapper.ResolvePhysical(candidate);
            }
            catch (IOException)
            {
                continue;
            }
            if (File.Exists(physical) && (File.GetUnixFileMode(physical) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return physical;
            }
        }
        return null;
    }

    /// <summary>
    /// As systemd: each StateDirectory= exists under /var/lib before the start (owned by User=
    /// when the supervisor is root), and $STATE_DIRECTORY names them, so a unit whose
    /// WorkingDirectory= is its state folder starts on a fresh machine.
    /// </summary>
    private bool PrepareStateDirectories(ServiceUnit unit, Dictionary<string, string> environment, out string? cause)
    {
        cause = null;
        if (unit.StateDirectories.Count == 0)
        {
            return true;
        }
        var account = unit.User != null && Posix.GetEffectiveUserId() == 0 ? HostAccounts.FindUser(unit.User) : null;
        var physical = new List<string>();
        foreach (var name in unit.StateDirectories)
        {
            var directory = _mapper.ResolvePhysical(_mapper.Map("/var/lib/" + name));
            try
            {
                Directory.CreateDirectory(directory);
                if (account != null)
                {
                    Posix.Chown(directory, account.Uid, account.Gid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                cause = $"StateDirectory={name}: {e.Message}";
                return false;
            }
            physical.Add(directory);
        }
        environment["STATE_DIRECTORY"] = string.Join(':', physical);
        return true;
    }

    private string? ResolveWorkingDirectory(ServiceUnit unit, Dictionary<string, string> environment, out string? cause)
    {
        cause = null;
        if (unit.WorkingDirectory == null)
        {
            return _mapper.Layout.Root;
        }
        var directory = unit.WorkingDirectory == "~"
            ? environment.GetValueOrDefault("HOME", _mapper.Layout.Root)
            : _mapper.ResolvePhysical(_mapper.Map(unit.WorkingDirectory));
        if (Directory.Exists(directory))
        {
            return directory;
        }
        if (unit.WorkingDirectoryOptional)
        {
            return _mapper.Layout.Root;
        }
        cause = $"WorkingDirectory={unit.WorkingDirectory}: not found";
        return null;
    }

    /// <summary>User=/Group= switch identity only when the supervisor runs as root; otherwise they are ignored.</summary>
    private bool AddCredentials(ServiceUnit unit, ProcessStartInfo start, Dictionary<string, string> environment, out string? cause)
    {
        cause = null;
        if (unit.User == null && unit.Group == null || Posix.GetEffectiveUserId() != 0)
        {
            return true;
        }
        var account = unit.User == null ? null : HostAccounts.FindUser(unit.User);
        if (unit.User != null && account == null)
        {
            cause = $"User={unit.User} does not exist";
            return false;
        }
        start.ArgumentList.Add("setpriv");
        if (account != null)
        {
            start.ArgumentList.Add($"--reuid={account.Uid}");
            start.ArgumentList.Add($"--regid={unit.Group ?? account.Gid.ToString(global::System.Globalization.CultureInfo.InvariantCulture)}");
            start.ArgumentList.Add("--init-groups");
            environment["HOME"] = account.Home;
            environment["USER"] = account.Name;
            environment["LOGNAME"] = account.Name;
        }
        else
        {
            start.ArgumentList.Add($"--regid={unit.Group}");
            start.ArgumentList.Add("--clear-groups");
        }
        start.ArgumentList.Add("--");
        return true;
    }

    /// <summary>Signals the group and its leader: the leader itself in case setsid has not run yet.</summary>
    private static void SignalTree(int pid, int signal)
    {
        ProcessGroups.Signal(pid, signal);
        Posix.Kill(pid, signal);
    }

    /// <summary>Waits until the main process and every live member of its group are gone; false on timeout.</summary>
    private static async Task<bool> WaitGroupEndedAsync(int pid, Task loop, TimeSpan? timeout, TimeProvider time)
    {
        var deadline = timeout == null ? DateTimeOffset.MaxValue : time.GetUtcNow() + timeout.Value;
        while (true)
        {
            if (loop.IsCompleted && ProcessGroups.LiveMembers(pid).Count == 0)
            {
                return true;
            }
            if (time.GetUtcNow() >= deadline)
            {
                return false;
            }
            await Task.Delay(20);
        }
    }
}
