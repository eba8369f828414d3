using QiTech.Os.Config.Modules;

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

    /// <summary>The store name of a system: <c>qitech-os-system-&lt;host name&gt;</c>.</summary>
    public static string StoreName(EvaluatedConfig config) => "qitech-os-system-" + config.String("system.hostName");
}
