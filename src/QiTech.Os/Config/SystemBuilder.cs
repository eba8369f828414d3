using QiTech.Os.Config.Modules;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
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
    public static Evaluation Evaluate(string configFile, VersionInfo version, ILocalPathImporter importer, ConfigEvaluator? evaluator = null) =>
        (evaluator ?? ConfigEvaluator.Default).Evaluate(YamlConfigLoader.Load(configFile), importer, VersionModule.Definitions(version));

    /// <summary>Every file of the system, in memory.</summary>
    public static SystemTree Render(Evaluation evaluation, ConfigEvaluator? evaluator = null)
    {
        var config = evaluation.Config;
        var tree = new SystemTree(config.Importer);
        foreach (var module in (evaluator ?? ConfigEvaluator.Default).Modules)
        {
            module.Render(config, tree);
        }
        var json = ConfigJson.ToJson(config.Root.Where(kv => kv.Key != YamlConfigLoader.ImportsKey).ToDictionary(), config.Importer.Import);
        tree.AddFile(ConfigurationJson, ConfigJson.Write(json), SourceLocation.Module("system"), OptionPath.Root);
        return tree;
    }

    /// <summary>
    /// Builds the system of a configuration into the store and returns its path. The whole
    /// configuration is checked (and its files rendered) before anything enters the store, so a
    /// bad one leaves the store as it was. Warnings go to <paramref name="warn"/>.
    /// </summary>
    /// <remarks>The entry point for <c>build|switch|boot|test|dry-activate --config FILE</c>.</remarks>
    public static StorePath Build(string configFile, VersionInfo version, LocalStore store, Action<string>? warn = null, CancellationToken cancel = default)
    {
        // Dry run: checks everything, touches nothing.
        var check = Evaluate(configFile, version, new HashingImporter(store.Layout.StoreDir));
        Render(check);
        foreach (var warning in check.Warnings)
        {
            warn?.Invoke(warning);
        }
        var evaluation = Evaluate(configFile, version, new StoreImporter(store, cancel));
        var tree = Render(evaluation);
        var temp = Path.Combine(Path.GetTempPath(), "qitech-os-system-" + Guid.NewGuid().ToString("N"));
        try
        {
            var root = Path.Combine(temp, "system");
            tree.WriteTo(root);
            return store.AddPath(root, StoreName(evaluation.Config), cancel);
        }
        finally
        {
            TreeRemover.Remove(temp);
        }
    }

    /// <summary>The store name of a system: <c>qitech-os-system-&lt;host name&gt;</c>.</summary>
    public static string StoreName(EvaluatedConfig config) => "qitech-os-system-" + config.String("system.hostName");
}
