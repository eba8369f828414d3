using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Generations;

namespace QiTech.Control.Server.Daemon;

/// <summary>
/// The pages' and the API's view of <c>qitech-osd</c>, over the core <see cref="DaemonClient"/>
/// and the daemon's contract records. Refusals pass through as <see cref="DaemonException"/>,
/// a silent socket as <see cref="DaemonUnavailableException"/>. Updates build
/// <paramref name="updateConfigFile"/> of the commit, or the daemon's default when null.
/// </summary>
public sealed class DaemonGateway(DaemonClient client, string? updateConfigFile = null) : ISystemStatusSource, IGenerationControl, IJobMonitor, IUpdateSourceSettings,
    IUpdateTargets, IUpdateBundles, IServiceControl
{
    public Task<StatusJson> GetStatusAsync(CancellationToken cancel) => client.StatusAsync(cancel);

    public Task<IReadOnlyList<GenerationJson>> GetGenerationsAsync(CancellationToken cancel) => client.GenerationsAsync(cancel);

    public Task<int> ActivateAsync(ActivateRequest request, CancellationToken cancel) =>
        request.Once == true && request.Generation is { } once
            ? client.BootOnceAsync(once, cancel)
            : client.ActivateAsync(StartsJob(request.Mode), request.StorePath, request.Generation, cancel);

    public Task<int> RollbackAsync(ActivationMode mode, CancellationToken cancel) => client.RollbackAsync(StartsJob(mode), cancel);

    public Task DeleteGenerationAsync(GenerationNumber number, CancellationToken cancel) =>
        client.DeleteGenerationAsync(number, cancel);

    public Task DeleteGenerationsAsync(string spec, CancellationToken cancel) =>
        client.DeleteGenerationsAsync(spec, cancel);

    public Task<int> CollectGarbageAsync(bool dryRun, CancellationToken cancel) => client.CollectGarbageAsync(dryRun, cancel);

    public Task<IReadOnlyList<JobJson>> GetJobsAsync(CancellationToken cancel) => client.JobsAsync(cancel);

    public Task<JobJson?> GetJobAsync(int jobId, CancellationToken cancel) => client.FindJobAsync(jobId, cancel);

    public IAsyncEnumerable<DaemonEvent> WatchJobAsync(int jobId, CancellationToken cancel) => client.JobEventsAsync(jobId, cancel);

    public Task CancelJobAsync(int jobId, CancellationToken cancel) => client.CancelJobAsync(jobId, cancel);

    public RollbackJson? RollbackOf(JobJson job) => client.Json.AnyActivation(job)?.Rollback;

    public UpdateJson? UpdateOf(JobJson job) => client.Json.Update(job);

    public async Task<IReadOnlyList<string>> ReadLogAsync(UnitName unit, int lines, CancellationToken cancel)
    {
        var text = await client.LogsAsync(unit.Value, lines, cancel);
        var all = text.Split('\n');
        return all.Length > 0 && all[^1].Length == 0 ? all[..^1] : all;
    }

    public IAsyncEnumerable<string> FollowLogAsync(UnitName unit, int lines, CancellationToken cancel) =>
        client.FollowLogsAsync(unit.Value, lines, cancel);

    public Task RestartServiceAsync(UnitName unit, CancellationToken cancel) =>
        client.RestartServiceAsync(unit.Value, cancel);

    public Task RebootAsync(CancellationToken cancel) => client.RebootAsync(cancel);

    public Task<SourceJson> GetSourceAsync(CancellationToken cancel) => client.UpdateSourceAsync(cancel);

    public Task<SourceJson> SetSourceUrlAsync(string url, CancellationToken cancel) => client.SetUpdateSourceAsync(url, cancel);

    public Task SetTokenAsync(string token, CancellationToken cancel) => client.SetUpdateTokenAsync(token, cancel);

    public Task ClearTokenAsync(CancellationToken cancel) => client.ClearUpdateTokenAsync(cancel);

    public Task<IReadOnlyList<TargetJson>> GetTargetsAsync(int recentCommits, CancellationToken cancel) => client.UpdateTargetsAsync(cancel, recentCommits);

    public Task<ChangelogJson> GetChangelogAsync(string gitRef, CancellationToken cancel) => client.ChangelogAsync(gitRef, cancel);

    public Task<int> InstallAsync(string gitRef, ActivationMode mode, CancellationToken cancel) =>
        client.InstallUpdateAsync(gitRef, StartsJob(mode), cancel: cancel, configFile: updateConfigFile);

    public Task<IReadOnlyList<MediaBundleJson>> GetBundlesAsync(CancellationToken cancel) => client.BundlesAsync(cancel);

    public Task<int> InstallBundleAsync(string file, ActivationMode mode, CancellationToken cancel) =>
        client.InstallBundleAsync(file, StartsJob(mode), cancel);

    /// <summary>The pages and the API start jobs: dry-activate answers at once and is not theirs to ask.</summary>
    private static ActivationMode StartsJob(ActivationMode mode) =>
        mode != ActivationMode.DryActivate ? mode : throw new QiTech.Os.Errors.BadInputException("mode: switch, boot or test");
}
