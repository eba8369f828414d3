using System.Runtime.CompilerServices;
using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Generations;
using QiTech.Os.Jobs;
using QiTech.Os.Nix;
using QiTech.Os.Sources;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Operations;

/// <summary>
/// The operations asked of the daemon that runs on the root, so its services follow. Each job
/// is followed in the terminal (<see cref="DaemonJobFollower"/>; an interrupted command cancels
/// it); a job that failed without a record explaining it ends in an exception with the job's
/// error and exit code. Only building a configuration happens here, into the shared store.
/// </summary>
public sealed class DaemonSystemOperations(DaemonClient daemon, SystemLayout layout) : ISystemOperations
{
    private LocalStore? _store;

    public bool ThroughDaemon => true;

    public StoreDirectory StoreDir => daemon.Json.StoreDir;

    public Task<StatusJson> StatusAsync(CancellationToken cancel) => daemon.StatusAsync(cancel);

    public Task<SourceJson> UpdateSourceAsync(CancellationToken cancel) => daemon.UpdateSourceAsync(cancel);

    public Task<SourceJson> SetUpdateSourceAsync(SourceUrl url, CancellationToken cancel) => daemon.SetUpdateSourceAsync(url.Url, cancel);

    // Building only adds store paths; the temporary root keeps the system until the daemon's
    // activation job has made it a generation (or ended), so a collection in between keeps it.
    public Task<TemporaryRoot> BuildAsync(string configFile, CancellationToken cancel) =>
        ConfigBuild.BuildHeldAsync(_store ??= LocalStore.Open(layout), configFile, cancel);

    public Task<PlanJson> PlanAsync(ActivationTarget target, CancellationToken cancel) => target switch
    {
        ActivationTarget.Path path => daemon.PlanAsync(path.System, null, cancel),
        ActivationTarget.Generation generation => daemon.PlanAsync(null, generation.Number, cancel),
        _ => throw new BadInputException("dry-activate: give --system STOREPATH, --config FILE or --generation N"),
    };

    public async Task<ActivationJson> ActivateAsync(ActivationMode mode, ActivationTarget target, bool rollBackOnFailure, CancellationToken cancel)
    {
        var jobId = target switch
        {
            ActivationTarget.Rollback => await daemon.RollbackAsync(mode, cancel),
            ActivationTarget.Generation generation => await daemon.ActivateAsync(mode, null, generation.Number, cancel, noRollback: !rollBackOnFailure),
            ActivationTarget.Path path => await daemon.ActivateAsync(mode, path.System, null, cancel, noRollback: !rollBackOnFailure),
            _ => throw new ArgumentOutOfRangeException(nameof(target)),
        };
        var job = await FollowAsync(jobId, cancel);
        var activation = daemon.Json.Activation(job);
        // A failed job whose record names the failure (units, a version rolled back) is the record's to show.
        return activation is { } shown && (job.Succeeded || shown is { Failures.Count: > 0 } or { Rollback: not null })
            ? shown
            : throw Failed(job, job.Error ?? $"job {job.Id} {DaemonJson.WireName(job.State)}");
    }

    public async Task<OneShotBootJson> BootOnceAsync(GenerationNumber generation, CancellationToken cancel)
    {
        var job = await FollowAsync(await daemon.BootOnceAsync(generation, cancel), cancel);
        return job.Succeeded && daemon.Json.BootOnce(job) is { } boot
            ? boot
            : throw Failed(job, job.Error ?? $"job {job.Id} {DaemonJson.WireName(job.State)}");
    }

    public Task<DeletionJson> DeleteGenerationsAsync(IReadOnlyList<string> spec, CancellationToken cancel)
    {
        // Bad words are refused here, with the place, before the daemon is asked.
        DeletionSpec.Parse([.. spec]);
        return daemon.DeleteGenerationsAsync(string.Join(' ', spec), cancel);
    }

    public async Task<GcJson> CollectGarbageAsync(bool dryRun, CancellationToken cancel)
    {
        var job = await FollowAsync(await daemon.CollectGarbageAsync(dryRun, cancel), cancel);
        return job.Succeeded && daemon.Json.Gc(job) is { } gc
            ? gc
            : throw new QiTechOsException($"gc {job.Id} {DaemonJson.WireName(job.State)}: {job.Error}");
    }

    public async Task<UpdateJson> InstallUpdateAsync(
        GitRefName reference, ActivationMode mode, string? source, string? configFile, bool rollBackOnFailure, CancellationToken cancel)
    {
        var jobId = await daemon.InstallUpdateAsync(reference.Name, mode, source, configFile, cancel, !rollBackOnFailure);
        Console.Error.WriteLine($"update {jobId} started in qitech-osd");
        var job = await FollowAsync(jobId, cancel);
        var update = daemon.Json.Update(job);
        return update is { } shown && (job.Succeeded || shown.Activation.Rollback != null)
            ? shown
            : throw Failed(job, $"update {jobId} {DaemonJson.WireName(job.State)}: {job.Error}");
    }

    public async Task<JobJson> CancelUpdateAsync(int? jobId, CancellationToken cancel)
    {
        var id = jobId ?? RunningUpdate(await daemon.JobsAsync(cancel));
        await daemon.CancelJobAsync(id, cancel);
        return await daemon.WaitForJobAsync(id, null, cancel);
    }

    public async Task<IReadOnlyList<string>> LogAsync(string unit, int lines, CancellationToken cancel)
    {
        var text = await daemon.LogsAsync(unit, lines, cancel);
        var all = text.Split('\n');
        return text.EndsWith('\n') || text.Length == 0 ? all[..^1] : all;
    }

    public async IAsyncEnumerable<string> FollowLogAsync(string unit, int lines, [EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (var line in daemon.FollowLogsAsync(unit, lines, cancel))
        {
            yield return line;
        }
    }

    public void Dispose()
    {
        _store?.Dispose();
        daemon.Dispose();
    }

    /// <summary>The finished job; an interrupted command (the job was asked to cancel) ends as cancelled.</summary>
    private async Task<JobJson> FollowAsync(int jobId, CancellationToken cancel) =>
        await DaemonJobFollower.FollowAsync(daemon, jobId, cancel) ?? throw new OperationCanceledException(cancel);

    private static QiTechOsException Failed(JobJson job, string message) =>
        new(message, job.ExitCode is > 0 and var code ? code : 1);

    private static int RunningUpdate(IReadOnlyList<JobJson> jobs) =>
        jobs.FirstOrDefault(j => j is { Kind: JobKind.Update, IsRunning: true })?.Id
            ?? throw new QiTechOsException("no update is running");
}
