using QiTech.Os.Activation;
using QiTech.Os.Cli.Commands;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Generations;
using QiTech.Os.Nix;
using QiTech.Os.Services;
using QiTech.Os.Sources;
using QiTech.Os.Store;
using QiTech.Os.Updates;

namespace QiTech.Os.Cli.Operations;

/// <summary>
/// The operations done by this process, directly under the system lock, when no daemon runs.
/// The store is opened on first use (reading a log or refusing a cancel needs none); a change
/// first finishes an activation a crash interrupted.
/// </summary>
public sealed class LocalSystemOperations(SystemLayout layout) : ISystemOperations
{
    private SystemSession? _session;

    public bool ThroughDaemon => false;

    public StoreDirectory StoreDir => layout.StoreDir;

    private SystemSession Session => _session ??= SystemSession.Open(layout);

    private async Task<SystemSession> ChangingAsync(CancellationToken cancel)
    {
        await Session.RecoverAsync(cancel);
        return Session;
    }

    public async Task<StatusJson> StatusAsync(CancellationToken cancel) =>
        StatusJson.Of(Session.Manager, Session.Services == null ? [] : await Session.Services.StatusAsync(cancel), embedded: false);

    public async Task<TemporaryRoot> BuildAsync(string configFile, CancellationToken cancel) =>
        await ConfigBuild.BuildHeldAsync((await ChangingAsync(cancel)).Store, configFile, cancel);

    public async Task<PlanJson> PlanAsync(ActivationTarget target, CancellationToken cancel) =>
        PlanJson.From((await ChangingAsync(cancel)).Manager.PlanActivation(target));

    public async Task<ActivationJson> ActivateAsync(ActivationMode mode, ActivationTarget target, bool rollBackOnFailure, CancellationToken cancel)
    {
        var manager = (await ChangingAsync(cancel)).Manager;
        var result = await manager.ActivateAsync(mode, target, new Progress<string>(_ => { }), cancel, new ActivationOptions(rollBackOnFailure, new TerminalSteps()));
        return ActivationJson.From(result);
    }

    public async Task<OneShotBootJson> BootOnceAsync(GenerationNumber generation, CancellationToken cancel)
    {
        var manager = (await ChangingAsync(cancel)).Manager;
        var loader = await manager.SetNextBootAsync(generation, cancel);
        return new OneShotBootJson(generation, manager.State().BootDefault, loader);
    }

    public async Task<DeletionJson> DeleteGenerationsAsync(IReadOnlyList<string> spec, CancellationToken cancel)
    {
        var which = DeletionSpec.Parse([.. spec]);
        return DeletionJson.From((await ChangingAsync(cancel)).Manager.DeleteGenerations(which));
    }

    public Task<GcJson> CollectGarbageAsync(bool dryRun, CancellationToken cancel)
    {
        var result = new GarbageCollector(Session.Store).Collect(dryRun, cancel);
        return Task.FromResult(new GcJson(dryRun, result.Deleted, result.BytesFreed));
    }

    public async Task<UpdateJson> InstallUpdateAsync(
        GitRefName reference, ActivationMode mode, string? source, string? configFile, bool rollBackOnFailure, CancellationToken cancel)
    {
        var url = SourceSettings.Choose(layout, source);
        var session = await ChangingAsync(cancel);
        var request = new UpdateRequest(url, reference, mode, UpdateConfigFile.Check(configFile, layout), rollBackOnFailure);
        var result = await new UpdateInstaller(session.Store, session.Manager).InstallAsync(request, new TerminalProgress(), cancel, new TerminalSteps());
        return UpdateJson.From(request, result);
    }

    public Task<JobJson> CancelUpdateAsync(int? jobId, CancellationToken cancel) =>
        throw new QiTechOsException($"no qitech-osd answers on {layout.DaemonSocket}; an update run without it is cancelled with Ctrl-C where it runs");

    public Task<IReadOnlyList<string>> LogAsync(string unit, int lines, CancellationToken cancel)
    {
        var path = ServiceLogReader.PathFor(layout, unit);
        if (RotatingLog.Files(path).Count == 0)
        {
            throw new BadInputException($"{unit}: no log yet ({path})");
        }
        return Task.FromResult<IReadOnlyList<string>>(ServiceLogReader.Tail(path, lines));
    }

    public IAsyncEnumerable<string> FollowLogAsync(string unit, int lines, CancellationToken cancel) =>
        ServiceLogReader.Follow(ServiceLogReader.PathFor(layout, unit), lines, TimeSpan.FromMilliseconds(200), cancel);

    public void Dispose() => _session?.Dispose();

    /// <summary>An update's steps and log lines on stderr, as the daemon's job steps are printed.</summary>
    public Task<SourceJson> UpdateSourceAsync(CancellationToken cancel) =>
        Task.FromResult(new SourceJson(SourceChange.Stored(layout), new SourceTokenStore(layout).HasToken));

    public async Task<SourceJson> SetUpdateSourceAsync(SourceUrl url, CancellationToken cancel)
    {
        var change = await SourceChange.ApplyAsync(layout, url, cancel);
        return new SourceJson(change.Url.Url, new SourceTokenStore(layout).HasToken, change.TokenCleared, change.Check);
    }

    private sealed class TerminalProgress : IUpdateProgress
    {
        public void Step(string name) => Console.Error.WriteLine($"==> {name}");

        public void Progress(int percent)
        {
        }

        public void Log(string line) => Console.Error.WriteLine("    " + line);
    }
}
