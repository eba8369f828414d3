using QiTech.Os.Base;
using QiTech.Os.Build;
using QiTech.Os.Cache;
using QiTech.Os.Config.Modules;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Sources;
using QiTech.Os.Store;

namespace QiTech.Os.Config;

/// <summary>
/// Configuration + version info → the system closure's tree: <c>etc/</c> (units, sysusers.d,
/// tmpfiles.d, sysctl.d, udev rules, limits.d, logind, environment, firewall), <c>sw/</c> (links
/// to packages), <c>kernel-params</c>, <c>qitech-os-release</c> and <c>configuration.json</c>.
/// Nothing in the tree depends on where the configuration lies or when it is built, so the
/// same inputs give the same store path on any machine.
/// </summary>
public static class SystemBuilder
{
    public const string ConfigurationJson = "configuration.json";

    /// <summary>Reads and checks a configuration with its version definitions; throws <see cref="ConfigException"/>.</summary>
    /// <param name="physicalStoreDir">Where the store's files lie: a configuration in the store (an update's commit tree) reads only from its own store path.</param>
    public static Evaluation Evaluate(string configFile, VersionInfo version, ILocalPathImporter importer, ConfigEvaluator? evaluator = null, string? physicalStoreDir = null)
    {
        var repository = ConfigRepository.Locate(configFile, physicalStoreDir);
        var files = YamlConfigLoader.Load(configFile, repository);
        return (evaluator ?? ConfigEvaluator.Default).Evaluate(files, importer, repository.Allowing(files), VersionModule.Definitions(version));
    }

    /// <summary>Every file of the system, in memory.</summary>
    public static SystemTree Render(Evaluation evaluation, ConfigEvaluator? evaluator = null)
    {
        var config = evaluation.Config;
        var tree = new SystemTree(config.Importer);
        // Every system has these, even one without packages: activation relies on them.
        tree.AddDirectory("etc", SourceLocation.Module("system"), OptionPath.Root);
        tree.AddDirectory("sw", SourceLocation.Module("system"), OptionPath.Root);
        foreach (var module in (evaluator ?? ConfigEvaluator.Default).Modules)
        {
            module.Render(config, tree);
        }
        var json = ConfigJson.ToJson(config.Root.Where(kv => kv.Key != YamlConfigLoader.ImportsKey).ToDictionary(), config.Importer.Import);
        tree.AddFile(ConfigurationJson, ConfigJson.Write(json), SourceLocation.Module("system"), OptionPath.Root);
        return tree;
    }

    /// <summary>
    /// Builds the system of a configuration into the store and returns its path: evaluates it
    /// (<see cref="Prepare"/>), builds its packages (<see cref="BuildPackagesAsync"/>), then the
    /// closure (<see cref="Finish"/>). A bad configuration leaves the store as it was; a failed or
    /// cancelled package build registers nothing of it, and no system.
    /// </summary>
    /// <remarks>The entry point for <c>build|switch|boot|test|dry-activate --config FILE</c>.</remarks>
    public static async Task<StorePath> BuildAsync(string configFile, VersionInfo version, LocalStore store, IPackageBuildProgress? progress = null,
        Action<string>? warn = null, CancellationToken cancel = default)
    {
        using var unrooted = store.HoldOffGarbageCollection();
        var prepared = Prepare(configFile, version, store, warn, cancel);
        await BuildPackagesAsync(prepared, store, progress, cancel: cancel);
        return Finish(prepared, store, cancel);
    }

    /// <summary>As <see cref="BuildAsync"/>, for callers without an event loop.</summary>
    public static StorePath Build(string configFile, VersionInfo version, LocalStore store, Action<string>? warn = null, CancellationToken cancel = default) =>
        BuildAsync(configFile, version, store, null, warn, cancel).GetAwaiter().GetResult();

    /// <summary>
    /// Evaluates and checks the whole configuration (and renders it) with store paths only
    /// computed, so a bad one writes nothing; then evaluates it again, adding its local files
    /// and package sources to the store. Warnings go to <paramref name="warn"/>.
    /// </summary>
    public static PreparedSystem Prepare(string configFile, VersionInfo version, LocalStore store, Action<string>? warn = null, CancellationToken cancel = default)
    {
        // Dry run: checks everything, touches nothing.
        var check = Evaluate(configFile, version, new HashingImporter(store.Layout.StoreDir, store.Layout.PhysicalStoreDir), physicalStoreDir: store.Layout.PhysicalStoreDir);
        Render(check);
        Packages(check.Config);
        foreach (var warning in check.Warnings)
        {
            warn?.Invoke(warning);
        }
        cancel.ThrowIfCancellationRequested();
        var evaluation = Evaluate(configFile, version, new StoreImporter(store, cancel), physicalStoreDir: store.Layout.PhysicalStoreDir);
        return new PreparedSystem(evaluation, Packages(evaluation.Config), BaseModule.Lock(evaluation.Config));
    }

    /// <summary>The packages built from source, with the .NET runtime a system with a base carries.</summary>
    private static IReadOnlyList<Derivation> Packages(EvaluatedConfig config) =>
        BaseModule.DotnetRuntime(config) is { } runtime ? [.. PackageDerivations.All(config), runtime] : PackageDerivations.All(config);

    /// <summary>
    /// Builds the packages built from source that are not in the store yet (with
    /// <paramref name="check"/>: all of them again, comparing the bits), then the Debian base
    /// if the system has one and the store lacks it.
    /// </summary>
    /// <remarks>Outputs a configured binary cache has, the base's included, are fetched first (<c>system.update.substituters</c>), so only the rest is built.</remarks>
    public static async Task<IReadOnlyList<BuildResult>> BuildPackagesAsync(PreparedSystem prepared, LocalStore store, IPackageBuildProgress? progress = null,
        bool check = false, CancellationToken cancel = default)
    {
        var builder = new PackageSetBuilder(store);
        // What the system holds (its tree names the output), not what building it takes (a NuGet
        // feed) nor a package declared but unused (the demo's qitech-osd, which the demo runs
        // itself), as Nix builds only a system's closure; a check rebuilds every package.
        var tree = Render(prepared.Evaluation);
        var wanted = check ? null : prepared.Packages.SelectMany(builder.OutputsOf).Where(o => tree.Mentions(o.HashPart)).ToHashSet();
        if (wanted != null)
        {
            var settings = SubstitutersModule.Settings(prepared.Evaluation.Config);
            var outputs = wanted.ToList();
            if (prepared.Base is { } pinned)
            {
                outputs.Add(BaseDerivation.OutputOf(BaseDerivation.Create(pinned), store.Layout.StoreDir));
            }
            var report = progress ?? new SilentProgress();
            await new PackageSubstituter(store, settings).FetchAsync(outputs, new FetchReporter(report), line => report.Log("substitute", line), cancel);
        }
        var results = await builder.BuildAsync(prepared.Packages, progress, check, wanted, cancel);
        if (prepared.Base is { } baseLock)
        {
            var output = BaseDerivation.OutputOf(BaseDerivation.Create(baseLock), store.Layout.StoreDir);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var built = !store.IsValid(output);
            progress?.Starting(BaseDerivation.Name, results.Count, results.Count + 1);
            if (built)
            {
                await BaseBuilder.BuildAsync(store, baseLock, line => progress?.Log(BaseDerivation.Name, line), cancel);
            }
            progress?.Finished(BaseDerivation.Name, output, built, clock.Elapsed);
        }
        return results;
    }

    private sealed class SilentProgress : IPackageBuildProgress;

    /// <summary>Cache progress as the build's own progress reports it.</summary>
    private sealed class FetchReporter(IPackageBuildProgress progress) : IProgress<CacheProgress>
    {
        public void Report(CacheProgress value) => progress.Fetching(value);
    }

    /// <summary>Renders the system (its packages built) and adds it to the store.</summary>
    public static StorePath Finish(PreparedSystem prepared, LocalStore store, CancellationToken cancel = default)
    {
        var tree = Render(prepared.Evaluation);
        var temp = Path.Combine(Path.GetTempPath(), "qitech-os-system-" + Guid.NewGuid().ToString("N"));
        try
        {
            var root = Path.Combine(temp, "system");
            tree.WriteTo(root);
            return store.AddPath(root, StoreName(prepared.Evaluation.Config), cancel);
        }
        finally
        {
            TreeRemover.Remove(temp);
        }
    }

    /// <summary>The store name of a system: <c>qitech-os-system-&lt;host name&gt;</c>.</summary>
    public static string StoreName(EvaluatedConfig config) => "qitech-os-system-" + config.String("system.hostName");
}
