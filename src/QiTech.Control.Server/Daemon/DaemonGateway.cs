using System.Runtime.CompilerServices;
using QiTech.Os.Client;
using GenerationNumber = QiTech.Os.Generations.GenerationNumber;

namespace QiTech.Control.Server.Daemon;

/// <summary>
/// The pages' and the API's view of <c>qitech-osd</c>, over the core <see cref="DaemonClient"/>:
/// the daemon's answers as the records the pages render. Refusals pass through as
/// <see cref="DaemonException"/>, a silent socket as <see cref="DaemonUnavailableException"/>.
/// Updates build <paramref name="updateConfigFile"/> of the commit, or the daemon's default when null.
/// </summary>
public sealed class DaemonGateway(DaemonClient client, string? updateConfigFile = null) : ISystemStatusSource, IGenerationControl, IJobMonitor, IUpdateSourceSettings,
    IUpdateTargets, IServiceControl
{
    public async Task<SystemStatus> GetStatusAsync(CancellationToken cancel) =>
        DaemonRecords.Status(await client.StatusAsync(cancel));

    public async Task<IReadOnlyList<GenerationInfo>> GetGenerationsAsync(CancellationToken cancel) =>
        [.. (await client.GenerationsAsync(cancel)).Select(DaemonRecords.Generation)];

    public async Task<long> ActivateAsync(ActivateRequest request, CancellationToken cancel) =>
        await client.ActivateAsync(DaemonRecords.Mode(request.Mode), request.StorePath, request.Generation, cancel);

    public async Task<long> RollbackAsync(ActivationMode mode, CancellationToken cancel) =>
        await client.RollbackAsync(DaemonRecords.Mode(mode), cancel);

    public Task DeleteGenerationAsync(GenerationNumber number, CancellationToken cancel) =>
        client.DeleteGenerationAsync(number.Value, cancel);

    public Task DeleteGenerationsAsync(string spec, CancellationToken cancel) =>
        client.DeleteGenerationsAsync(spec, cancel);

    public async Task<long> CollectGarbageAsync(bool dryRun, CancellationToken cancel) =>
        await client.CollectGarbageAsync(dryRun, cancel);

    public async Task<IReadOnlyList<JobInfo>> GetJobsAsync(CancellationToken cancel) =>
        [.. (await client.JobsAsync(cancel)).Select(DaemonRecords.Job)];

    public async Task<JobInfo?> GetJobAsync(long jobId, CancellationToken cancel) =>
        DaemonRecords.TryJobId(jobId, out var id) && await client.FindJobAsync(id, cancel) is { } job ? DaemonRecords.Job(job) : null;

    public async IAsyncEnumerable<JobEvent> WatchJobAsync(long jobId, [EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (var e in client.JobEventsAsync(DaemonRecords.JobId(jobId), cancel))
        {
            yield return new JobEvent(e.Type, e.Data);
        }
    }

    public Task CancelJobAsync(long jobId, CancellationToken cancel) =>
        client.CancelJobAsync(DaemonRecords.JobId(jobId), cancel);

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

    public async Task<UpdateSource> GetSourceAsync(CancellationToken cancel)
    {
        var source = await client.UpdateSourceAsync(cancel);
        return new UpdateSource(source.Url, source.HasToken);
    }

    public async Task<UpdateSource> SetSourceUrlAsync(string url, CancellationToken cancel)
    {
        var source = await client.SetUpdateSourceAsync(url, cancel);
        return new UpdateSource(source.Url, source.HasToken, source.TokenCleared);
    }

    public Task SetTokenAsync(string token, CancellationToken cancel) => client.SetUpdateTokenAsync(token, cancel);

    public Task ClearTokenAsync(CancellationToken cancel) => client.ClearUpdateTokenAsync(cancel);

    public async Task<IReadOnlyList<UpdateTarget>> GetTargetsAsync(CancellationToken cancel) =>
        [.. (await client.UpdateTargetsAsync(cancel)).Select(t => new UpdateTarget(t.Kind, t.Name, t.Commit, t.Date, t.OlderThanRunning, t.Subject, t.Running))];

    public async Task<Changelog> GetChangelogAsync(string gitRef, CancellationToken cancel)
    {
        var changelog = await client.ChangelogAsync(gitRef, cancel);
        return new Changelog(changelog.Ref, changelog.Text);
    }

    public async Task<long> InstallAsync(string gitRef, ActivationMode mode, CancellationToken cancel) =>
        await client.InstallUpdateAsync(gitRef, DaemonRecords.Mode(mode), cancel: cancel, configFile: updateConfigFile);
}
