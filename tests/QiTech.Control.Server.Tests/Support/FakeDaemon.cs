using System.Runtime.CompilerServices;
using System.Threading.Channels;
using QiTech.Control.Server.Daemon;
using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Generations;
using QiTech.Os.Health;
using QiTech.Os.Jobs;
using QiTech.Os.Nix;
using QiTech.Os.Sources;
using ServiceState = QiTech.Os.Services.ServiceState;

namespace QiTech.Control.Server.Tests.Support;

/// <summary>
/// An in-memory double of the daemon for rendering page states: tests set its data, make
/// it fail, feed job events and log lines, and read back what the pages asked for.
/// </summary>
public sealed class FakeDaemon : ISystemStatusSource, IGenerationControl, IJobMonitor, IUpdateSourceSettings, IUpdateTargets, IUpdateBundles, IServiceControl
{
    private readonly Dictionary<int, Channel<DaemonEvent>> jobEvents = [];
    private readonly Channel<string> followedLines = Channel.CreateUnbounded<string>();
    private string? token;

    public List<GenerationJson> Generations { get; } = [];

    public List<ServiceJson> Services { get; } = [];

    public List<TargetJson> Targets { get; } = [];

    public Dictionary<int, JobJson> Jobs { get; } = [];

    /// <summary>What a job's result says about a version that did not start correctly, by job id.</summary>
    public Dictionary<int, RollbackJson> Rollbacks { get; } = [];

    /// <summary>Update jobs' results by job id.</summary>
    public Dictionary<int, UpdateJson> Updates { get; } = [];

    /// <summary>When set, the running boot fell back (status reports it).</summary>
    public BootFallbackJson? Fallback { get; set; }

    public Dictionary<string, string> Changelogs { get; } = [];

    /// <summary>The changelog file a ref's changelog comes from (CHANGELOG.md); none: a commit list.</summary>
    public Dictionary<string, string> ChangelogFiles { get; } = [];

    /// <summary>When set, the daemon's refusal of any new source URL (its check failed).</summary>
    public string? SourceRefusal { get; set; }

    /// <summary>Commits of refs that are not listed as targets (older commits, typed refs).</summary>
    public Dictionary<string, string> RefCommits { get; } = [];

    /// <summary>Refs the fake repository does not have.</summary>
    public HashSet<string> UnknownRefs { get; } = [];

    public List<string> LogLines { get; } = [];

    public string? SourceUrl { get; set; } = "https://git.example/qitech/machine.git";

    /// <summary>When set, every call throws it.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, install and activate calls throw it.</summary>
    public Exception? StartFailure { get; set; }

    public int NextJobId { get; set; } = 7;

    public List<string> Calls { get; } = [];

    /// <summary>The token as the daemon holds it; tests check that it goes no further.</summary>
    public string? StoredToken => token;

    public static GenerationJson Generation(int number, string abbreviation, string commit, bool current = false, bool booted = false, bool bootDefault = false) =>
        new(new GenerationNumber(number), StorePath.ParseBaseName($"{new string("0123456789abcdfghijklmnpqrsvwxyz"[number % 32], 32)}-qitech-os-system"),
            new DateTimeOffset(2026, 11, number, 10, 0, 0, TimeSpan.Zero), current, booted, bootDefault, KnownGood: false, 1024L * 1024 * number,
            new VersionInfo($"2026-11-0{number}T09:00:00+00:00", commit, abbreviation, "https://git.example/qitech/machine.git"));

    public static TargetJson Target(UpdateTargetKind kind, string name, string commit, string date, bool olderThanRunning, string? refusal = null) =>
        new(kind, name, commit, DateTimeOffset.Parse(date, System.Globalization.CultureInfo.InvariantCulture), name, olderThanRunning, Running: false, refusal);

    public static JobStepJson Step(string name, JobState state, int? percent, int? secondsLeft = null) => new(name, state, percent, secondsLeft);

    /// <summary>Three generations, the newest current, booted and boot default; two services.</summary>
    public static FakeDaemon WithMachine()
    {
        var daemon = new FakeDaemon();
        daemon.Generations.Add(Generation(1, "v1.0.0", "1111111111111111111111111111111111111111"));
        daemon.Generations.Add(Generation(2, "v1.1.0", "2222222222222222222222222222222222222222"));
        daemon.Generations.Add(Generation(3, "v1.2.0", "3333333333333333333333333333333333333333", current: true, booted: true, bootDefault: true));
        daemon.Services.Add(new ServiceJson("qitech-control-server.service", ServiceState.Running, 4242, 3725, 0, null));
        daemon.Services.Add(new ServiceJson("qitech-machine.service", ServiceState.Failed, null, null, 3, null));
        daemon.Targets.Add(Target(UpdateTargetKind.Tag, "v1.3.0", "4444444444444444444444444444444444444444", "2026-11-20T08:00:00+00:00", false));
        daemon.Targets.Add(Target(UpdateTargetKind.Tag, "v1.2.0", "3333333333333333333333333333333333333333", "2026-11-03T09:00:00+00:00", false));
        daemon.Targets.Add(Target(UpdateTargetKind.Tag, "v1.0.0", "1111111111111111111111111111111111111111", "2026-11-01T09:00:00+00:00", true));
        daemon.Targets.Add(Target(UpdateTargetKind.Branch, "main", "5555555555555555555555555555555555555555", "2026-11-21T08:00:00+00:00", false));
        daemon.Targets.Add(Target(UpdateTargetKind.Commit, "Fix the winder speed", "6666666666666666666666666666666666666666", "2026-11-19T08:00:00+00:00", false));
        daemon.Changelogs["v1.3.0"] = "v1.3.0 Faster extruder start\nv1.2.1 Fix the winder speed";
        return daemon;
    }

    public JobJson AddJob(int id, JobState state, string? error = null, params JobStepJson[] steps)
    {
        var job = Job(id, state, error, steps);
        Jobs[id] = job;
        return job;
    }

    /// <summary>Sends an event (a <see cref="StepEvent"/>, <see cref="LogEvent"/>…) to whoever watches the job (and to the next watcher).</summary>
    public ValueTask SendEventAsync(int jobId, object value) =>
        EventsOf(jobId).Writer.WriteAsync(new DaemonEvent(null, JobEvent.TypeOf(value), "", value));

    public void EndEvents(int jobId) => EventsOf(jobId).Writer.TryComplete();

    public ValueTask AppendFollowedLineAsync(string line) => followedLines.Writer.WriteAsync(line);

    public Task<StatusJson> GetStatusAsync(CancellationToken cancel)
    {
        Record("status");
        var current = Generations.FirstOrDefault(g => g.Current);
        return Task.FromResult(new StatusJson(
            current, Generations.FirstOrDefault(g => g.Booted), Generations.FirstOrDefault(g => g.BootDefault),
            current?.StorePath, Generations.FirstOrDefault(g => g.Booted)?.StorePath, Embedded: true, [.. Services], Fallback));
    }

    public Task<IReadOnlyList<GenerationJson>> GetGenerationsAsync(CancellationToken cancel)
    {
        Record("generations");
        return Task.FromResult<IReadOnlyList<GenerationJson>>([.. Generations]);
    }

    public Task<int> ActivateAsync(ActivateRequest request, CancellationToken cancel) =>
        StartJob($"activate {request.Generation} {request.Mode}");

    public Task<int> RollbackAsync(ActivationMode mode, CancellationToken cancel) => StartJob($"rollback {mode}");

    public Task DeleteGenerationAsync(GenerationNumber number, CancellationToken cancel)
    {
        Record($"delete {number}");
        var generation = Generations.Single(g => g.Number == number);
        if (generation.Current || generation.Booted || generation.BootDefault)
        {
            throw new DaemonException(409, $"generation {number}: is current, booted or the boot default", title: "in use");
        }
        Generations.Remove(generation);
        return Task.CompletedTask;
    }

    public Task DeleteGenerationsAsync(string spec, CancellationToken cancel)
    {
        Record($"delete-generations {spec}");
        return Task.CompletedTask;
    }

    public Task<int> CollectGarbageAsync(bool dryRun, CancellationToken cancel) => StartJob($"gc {dryRun}");

    public Task<IReadOnlyList<JobJson>> GetJobsAsync(CancellationToken cancel)
    {
        Record("jobs");
        return Task.FromResult<IReadOnlyList<JobJson>>([.. Jobs.Values]);
    }

    public Task<JobJson?> GetJobAsync(int jobId, CancellationToken cancel)
    {
        Record($"job {jobId}");
        return Task.FromResult(Jobs.GetValueOrDefault(jobId));
    }

    public async IAsyncEnumerable<DaemonEvent> WatchJobAsync(int jobId, [EnumeratorCancellation] CancellationToken cancel)
    {
        Record($"watch {jobId}");
        await foreach (var e in EventsOf(jobId).Reader.ReadAllAsync(cancel))
        {
            yield return e;
        }
    }

    public RollbackJson? RollbackOf(JobJson job) => Rollbacks.GetValueOrDefault(job.Id);

    public UpdateJson? UpdateOf(JobJson job) => Updates.GetValueOrDefault(job.Id);

    /// <summary>When set, a cancel is refused with it (409), as the daemon does while a job activates.</summary>
    public string? CancelRefusal { get; set; }

    public Task CancelJobAsync(int jobId, CancellationToken cancel)
    {
        Record($"cancel {jobId}");
        return CancelRefusal is { } why ? throw new DaemonException(409, why, jobId, "Conflict") : Task.CompletedTask;
    }

    public Task<SourceJson> GetSourceAsync(CancellationToken cancel)
    {
        Record("source");
        return Task.FromResult(new SourceJson(SourceUrl, token is not null));
    }

    public Task<SourceJson> SetSourceUrlAsync(string url, CancellationToken cancel)
    {
        Record($"set-url {url}");
        if (SourceRefusal is { } refusal)
        {
            // As the daemon: a source that fails its check is refused, and nothing is saved.
            return Task.FromException<SourceJson>(new QiTech.Os.Client.DaemonException(400, refusal));
        }
        // As the daemon: a token stays with the host it was set for.
        var sameHost = QiTech.Os.Sources.SourceOrigin.TryOf(url, out var to) && QiTech.Os.Sources.SourceOrigin.TryOf(SourceUrl ?? "", out var from) && to == from;
        var cleared = token is not null && !sameHost;
        if (cleared)
        {
            token = null;
        }
        SourceUrl = url;
        return Task.FromResult(new SourceJson(url, token is not null, cleared));
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

    public Task<IReadOnlyList<TargetJson>> GetTargetsAsync(int recentCommits, CancellationToken cancel)
    {
        Record($"targets {recentCommits}");
        var commits = Targets.Where(t => t.Kind == UpdateTargetKind.Commit).Take(recentCommits);
        return Task.FromResult<IReadOnlyList<TargetJson>>([.. Targets.Where(t => t.Kind != UpdateTargetKind.Commit), .. commits]);
    }

    public Task<ChangelogJson> GetChangelogAsync(string gitRef, CancellationToken cancel)
    {
        Record($"changelog {gitRef}");
        if (UnknownRefs.Contains(gitRef))
        {
            return Task.FromException<ChangelogJson>(new QiTech.Os.Client.DaemonException(400, $"ref '{gitRef}' is no tag, branch or commit of {SourceUrl}"));
        }
        var commit = RefCommits.GetValueOrDefault(gitRef) ?? Targets.FirstOrDefault(t => t.Name == gitRef || t.Commit.StartsWith(gitRef, StringComparison.Ordinal))?.Commit;
        return Task.FromResult(new ChangelogJson(gitRef, Changelogs.GetValueOrDefault(gitRef, ""), commit, ChangelogFiles.GetValueOrDefault(gitRef)));
    }

    public Task<int> InstallAsync(string gitRef, ActivationMode mode, CancellationToken cancel) => StartJob($"install {gitRef} {mode}");

    /// <summary>What <see cref="GetBundlesAsync"/> answers.</summary>
    public List<MediaBundleJson> Bundles { get; } = [];

    public Task<IReadOnlyList<MediaBundleJson>> GetBundlesAsync(CancellationToken cancel)
    {
        Record("bundles");
        return Task.FromResult<IReadOnlyList<MediaBundleJson>>([.. Bundles]);
    }

    public Task<int> InstallBundleAsync(string file, ActivationMode mode, CancellationToken cancel) => StartJob($"install bundle {file} {mode}");

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

    private Channel<DaemonEvent> EventsOf(int jobId)
    {
        lock (jobEvents)
        {
            if (!jobEvents.TryGetValue(jobId, out var channel))
            {
                channel = Channel.CreateUnbounded<DaemonEvent>();
                jobEvents[jobId] = channel;
            }
            return channel;
        }
    }

    private static JobJson Job(int id, JobState state, string? error, IReadOnlyList<JobStepJson> steps) =>
        new(id, JobKind.Update, state, steps, error, ExitCode: null, new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), Finished: null, Result: null);

    private Task<int> StartJob(string call)
    {
        Record(call);
        if (StartFailure is not null)
        {
            throw StartFailure;
        }
        var id = NextJobId++;
        Jobs[id] = Job(id, JobState.Running, null, [Step("fetch", JobState.Running, 0)]);
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
