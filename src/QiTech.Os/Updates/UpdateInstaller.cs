using QiTech.Os.Activation;
using QiTech.Os.Config;
using QiTech.Os.Errors;
using QiTech.Os.Generations;
using QiTech.Os.Health;
using QiTech.Os.Sources;
using QiTech.Os.Store;

namespace QiTech.Os.Updates;

/// <summary>
/// The update pipeline: fetch the ref's tree into the store, evaluate its configuration
/// with the commit's version variables, build its packages from source, build the system,
/// activate it, waiting for its health checks (a version that does not start correctly is
/// switched back from, live), and record the chosen ref with the generation. Nothing is activated
/// unless everything built; a failure or cancellation before activation leaves the running
/// system and its generations as they were (the store may keep finished, registered paths).
/// </summary>
public sealed class UpdateInstaller(LocalStore store, SystemManager manager)
{
    /// <param name="steps">Where the health wait after activation shows its steps (each unit's check, a rollback).</param>
    /// <param name="cancelGuard">Hears when a cancel can no longer take effect (activation proper).</param>
    public async Task<UpdateResult> InstallAsync(
        UpdateRequest request, IUpdateProgress progress, CancellationToken cancel = default, Health.IStepReporter? steps = null, ICancelGuard? cancelGuard = null)
    {
        if (request.Mode == ActivationMode.DryActivate)
        {
            throw new BadInputException("an update installs with switch, boot or test");
        }
        UpdateConfigFile.Check(request.ConfigFile);

        // From the fetched tree to the new generation's link, nothing new is rooted yet.
        using var unrooted = store.HoldOffGarbageCollection();
        progress.Step("fetch");
        var source = GitSource.Open(store.Layout, request.Source);
        var resolved = await source.FetchToStoreAsync(request.Ref, store, cancel);
        progress.Log($"{request.Ref} is {resolved.Info.Commit} ({resolved.Info.Abbreviation}), tree {store.Render(resolved.TreePath)}");
        progress.Progress(100);

        progress.Step("evaluate configuration");
        var tree = store.PhysicalPath(resolved.TreePath);
        var configFile = Path.Combine(tree, CommitConfiguration.Find(tree, request.ConfigFile, request.Ref));
        var version = resolved.Info;
        FreeSpaceCheck.Ensure(store.Layout.PhysicalStoreDir, FreeSpaceCheck.Estimate(store.QueryPathInfo(resolved.TreePath)?.NarSize ?? 0));
        var prepared = SystemBuilder.Prepare(configFile, version, store, warning => progress.Log("warning: " + warning), cancel);
        progress.Progress(100);

        progress.Step("build packages");
        await SystemBuilder.BuildPackagesAsync(prepared, store, new PackageBuildReporter(progress, store.Layout.StoreDir), cancel: cancel);
        progress.Progress(100);

        progress.Step("build system");
        var system = SystemBuilder.Finish(prepared, store, cancel);
        progress.Log("system " + store.Render(system));
        progress.Progress(100);

        cancel.ThrowIfCancellationRequested();
        progress.Step("activate");
        var activation = await manager.ActivateAsync(request.Mode, new ActivationTarget.Path(system), new LineProgress(progress), cancel,
            new ActivationOptions(request.RollBack, steps, new GenerationOrigin(request.Ref, GitCommitHash.Parse(version.Commit)), cancelGuard));
        progress.Progress(100);
        return new UpdateResult(resolved, activation);
    }

    private sealed class LineProgress(IUpdateProgress progress) : IProgress<string>
    {
        public void Report(string value) => progress.Log(value);
    }
}
