using GenerationNumber = QiTech.Os.Generations.GenerationNumber;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using QiTech.Control.Server.Daemon;

namespace QiTech.Control.Server.Tests.Support;

/// <summary>
/// An in-memory double of the daemon for rendering page states: tests set its data, make
/// it fail, feed job events and log lines, and read back what the pages asked for.
/// </summary>
public sealed class FakeDaemon : ISystemStatusSource, IGenerationControl, IJobMonitor, IUpdateSourceSettings, IUpdateTargets, IServiceControl
{
    private readonly Dictionary<long, Channel<JobEvent>> jobEvents = [];
    private readonly Channel<string> followedLines = Channel.CreateUnbounded<string>();
    private string? token;

    public List<GenerationInfo> Generations { get; } = [];

    public List<ServiceInfo> Services { get; } = [];

    /// <summary>When set, the running boot fell back (status reports it).</summary>
    public BootFallbackInfo? Fallback { get; set; }

    public List<UpdateTarget> Targets { get; } = [];

    public Dictionary<long, JobInfo> Jobs { get; } = [];

    public Dictionary<string, string> Changelogs { get; } = [];

    public List<string> LogLines { get; } = [];

    public string? SourceUrl { get; set; } = "https://git.example/qitech/machine.git";

    /// <summary>When set, every call throws it.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, install and activate calls throw it.</summary>
    public Exception? StartFailure { get; set; }

    public long NextJobId { get; set; } = 7;

    public List<string> Calls { get; } = [];

    /// <summary>The token as the daemon holds it; tests check that it goes no further.</summary>
    public string? StoredToken => token;

    public static GenerationInfo Generation(int number, string abbreviation, string commit, bool current = false, bool booted = false, bool bootDefault = false) =>
        new(number, $"/qitech/store/{new string((char)('a' + number % 26), 32)}-qitech-os-system", new DateTimeOffset(2026, 11, number, 10, 0, 0, TimeSpan.Zero),
            current, booted, bootDefault, 1024L * 1024 * number,
            new VersionInfo(abbreviation, commit, $"2026-11-0{number}T09:00:00+00:00", "https://git.example/qitech/machine.git"));

    /// <summary>Three generations, the newest current, booted and boot default; two services.</summary>
    public static FakeDaemon WithMachine()
    {
        var daemon = new FakeDaemon();
        daemon.Generations.Add(Generation(1, "v1.0.0", "1111111111111111111111111111111111111111"));
        daemon.Generations.Add(Generation(2, "v1.1.0", "2222222222222222222222222222222222222222"));
        daemon.Generations.Add(Generation(3, "v1.2.0", "3333333333333333333333333333333333333333", current: true, booted: true, bootDefault: true));
        daemon.Services.Add(new ServiceInfo("qitech-control-server.service", "running", 4242, 3725, 0));
        daemon.Services.Add(new ServiceInfo("qitech-machine.service", "failed", null, null, 3));
        daemon.Targets.Add(new UpdateTarget("tag", "v1.3.0", "4444444444444444444444444444444444444444", "2026-11-20T08:00:00+00:00", false));
        daemon.Targets.Add(new UpdateTarget("tag", "v1.2.0", "3333333333333333333333333333333333333333", "2026-11-03T09:00:00+00:00", false));
        daemon.Targets.Add(new UpdateTarget("tag", "v1.0.0", "1111111111111111111111111111111111111111", "2026-11-01T09:00:00+00:00", true));
        daemon.Targets.Add(new UpdateTarget("branch", "main", "5555555555555555555555555555555555555555", "2026-11-21T08:00:00+00:00", false));
        daemon.Targets.Add(new UpdateTarget("commit", "Fix the winder speed", "6666666666666666666666666666666666666666", "2026-11-19T08:00:00+00:00", false));
        daemon.Changelogs["v1.3.0"] = "v1.3.0 Faster extruder start\nv1.2.1 Fix the winder speed";
        return daemon;
    }

    public JobInfo AddJob(long id, string state, string? error = null, params JobStep[] steps)
    {
        var job = new JobInfo(id, "update", state, steps, error);
        Jobs[id] = job;
        return job;
    }

    /// <summary>Sends an event to whoever watches the job (and to the next watcher).</summary>
    public ValueTask SendEventAsync(long jobId, string type, string data) => EventsOf(jobId).Writer.WriteAsync(new JobEvent(type, data));

    public void EndEvents(long jobId) => EventsOf(jobId).Writer.TryComplete();

    public ValueTask AppendFollowedLineAsync(string line) => followedLines.Writer.WriteAsync(line);

    public Task<SystemStatus> GetStatusAsync(CancellationToken cancel)
    {
        Record("status");
        return Task.FromResult(new SystemStatus(
            Generations.FirstOrDefault(g => g.Current), Generations.FirstOrDefault(g => g.Booted), Generations.FirstOrDefault(g => g.BootDefault), [.. Services], Fallback));
    }

    public Task<IReadOnlyList<GenerationInfo>> GetGenerationsAsync(CancellationToken cancel)
    {
        Record("generations");
        return Task.FromResult<IReadOnlyList<GenerationInfo>>([.. Generations]);
    }

    public Task<long> ActivateAsync(ActivateRequest request, CancellationToken cancel) =>
        StartJob($"activate {request.Generation} {request.Mode}");

    public Task<long> RollbackAsync(ActivationMode mode, CancellationToken cancel) => StartJob($"rollback {mode}");

    public Task DeleteGenerationAsync(GenerationNumber number, CancellationToken cancel)
    {
        Record($"delete {number}");
        var generation = Generations.Single(g => g.Number == number.Value);
        if (generation.Current || generation.Booted || generation.BootDefault)
        {
            throw new QiTech.Os.Client.DaemonException(409, $"generation {number}: is current, booted or the boot default", title: "in use");
        }
        Generations.Remove(generation);
        return Task.CompletedTask;
    }

    public Task DeleteGenerationsAsync(string spec, CancellationToken cancel)
    {
        Record($"delete-generations {spec}");
        return Task.CompletedTask;
    }

    public Task<long> CollectGarbageAsync(bool dryRun, CancellationToken cancel) => StartJob($"gc {dryRun}");

    public Task<IReadOnlyList<JobInfo>> GetJobsAsync(CancellationToken cancel)
    {
        Record("jobs");
        return Task.FromResult<IReadOnlyList<JobInfo>>([.. Jobs.Values]);
    }

    public Task<JobInfo?> GetJobAsync(long jobId, CancellationToken cancel)
    {
        Record($"job {jobId}");
        return Task.FromResult(Jobs.GetValueOrDefault(jobId));
    }

    public async IAsyncEnumerable<JobEvent> WatchJobAsync(long jobId, [EnumeratorCancellation] CancellationToken cancel)
    {
        Record($"watch {jobId}");
        await foreach (var e in EventsOf(jobId).Reader.ReadAllAsync(cancel))
        {
            yield return e;
        }
    }

    public Task CancelJobAsync(long jobId, CancellationToken cancel)
    {
        Record($"cancel {jobId}");
        return Task.CompletedTask;
    }

    public Task<UpdateSource> GetSourceAsync(CancellationToken cancel)
    {
        Record("source");
        return Task.FromResult(new UpdateSource(SourceUrl, token is not null));
    }

    public Task SetSourceUrlAsync(string url, CancellationToken cancel)
    {
        Record($"set-url {url}");
        SourceUrl = url;
        return Task.CompletedTask;
    }

    public Task SetTokenAsync(string value, CancellationToken cancel)
    {
        // Recorded without the value: the call list is printed when a test fails.
        Record("set-token");
        token = value;
        return Task.CompletedTask;
    }

    public Task ClearTokenAsync(CancellationToken cancel)
    {
        Record("clear-token");
        token = null;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UpdateTarget>> GetTargetsAsync(CancellationToken cancel)
    {
        Record("targets");
        return Task.FromResult<IReadOnlyList<UpdateTarget>>([.. Targets]);
    }

    public Task<Changelog> GetChangelogAsync(string gitRef, CancellationToken cancel)
    {
        Record($"changelog {gitRef}");
        return Task.FromResult(new Changelog(gitRef, Changelogs.GetValueOrDefault(gitRef, "")));
    }

    public Task<long> InstallAsync(string gitRef, ActivationMode mode, CancellationToken cancel) => StartJob($"install {gitRef} {mode}");

    public Task<IReadOnlyList<string>> ReadLogAsync(UnitName unit, int lines, CancellationToken cancel)
    {
        Record($"log {unit}");
        return Task.FromResult<IReadOnlyList<string>>([.. LogLines.TakeLast(lines)]);
    }

    public async IAsyncEnumerable<string> FollowLogAsync(UnitName unit, int lines, [EnumeratorCancellation] CancellationToken cancel)
    {
        Record($"follow {unit}");
        foreach (var line in LogLines.TakeLast(lines))
        {
            yield return line;
        }
        await foreach (var line in followedLines.Reader.ReadAllAsync(cancel))
        {
            yield return line;
        }
    }

    public Task RestartServiceAsync(UnitName unit, CancellationToken cancel)
    {
        Record($"restart {unit}");
        return Task.CompletedTask;
    }

    public Task RebootAsync(CancellationToken cancel)
    {
        Record("reboot");
        return Task.CompletedTask;
    }

    private Channel<JobEvent> EventsOf(long jobId)
    {
        lock (jobEvents)
        {
            if (!jobEvents.TryGetValue(jobId, out var channel))
            {
                channel = Channel.CreateUnbounded<JobEvent>();
                jobEvents[jobId] = channel;
            }
            return channel;
        }
    }

    private Task<long> StartJob(string call)
    {
        Record(call);
        if (StartFailure is not null)
        {
            throw StartFailure;
        }
        var id = NextJobId++;
        Jobs[id] = new JobInfo(id, "update", JobStates.Running, [new JobStep("fetch", JobStates.Running, 0)], null);
        return Task.FromResult(id);
    }

    private void Record(string call)
    {
        lock (Calls)
        {
            Calls.Add(call);
        }
        if (Failure is not null)
        {
            throw Failure;
        }
    }
}
