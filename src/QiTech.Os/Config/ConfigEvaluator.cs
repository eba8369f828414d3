namespace QiTech.Os.Config;

/// <summary>
/// Turns configuration files into an <see cref="EvaluatedConfig"/>: merges the files'
/// definitions with what enabled modules define, until those stop changing, then runs the
/// modules' assertions. Any failure is a <see cref="ConfigException"/>.
/// </summary>
public sealed class ConfigEvaluator
{
    // Modules rarely feed each other more than twice; more rounds mean they disagree forever.
    private const int MaxRounds = 8;

    public ConfigEvaluator(IReadOnlyList<IConfigModule> modules)
    {
        Modules = modules;
        Options = new OptionSet();
        Options.Declare(YamlConfigLoader.ImportsKey, new Types.ListType(new Types.PathType(Types.PathKind.Local)), Array.Empty<object?>(),
            "Other configuration files whose definitions merge with this one's, relative to this file.");
        foreach (var module in modules)
        {
            module.Declare(Options);
        }
    }

    /// <summary>Every module of the product, in a fixed order.</summary>
    public static ConfigEvaluator Default { get; } = new(QiTech.Os.Config.Modules.AllModules.Create());

    public IReadOnlyList<IConfigModule> Modules { get; }

    public OptionSet Options { get; }

    /// <summary>Reads a configuration (its repository found from the file) and evaluates it.</summary>
    public Evaluation EvaluateFile(string path, ILocalPathImporter importer)
    {
        var repository = ConfigRepository.Locate(path);
        var files = YamlConfigLoader.Load(path, repository);
        return Evaluate(files, importer, repository.Allowing(files));
    }

    /// <param name="repository">Where the files' local paths may lead (with the paths they allow).</param>
    public Evaluation Evaluate(IReadOnlyList<ConfigFile> files, ILocalPathImporter importer, ConfigRepository repository, IReadOnlyList<Definition>? extra = null)
    {
        var top = files.Count > 0 ? new SourceLocation(files[^1].DisplayPath, 1, 1) : SourceLocation.Module("none");
        var fromFiles = files.Select(f => new Definition(f.Root, Priority.Normal)).Concat(extra ?? []).ToList();
        IReadOnlyList<Definition> contributed = [];
        var fingerprint = "";
        for (var round = 0; ; round++)
        {
            var context = new MergeContext(repository);
            var root = Options.Evaluate(OptionPath.Root, [.. fromFiles, .. contributed], context);
            var config = new EvaluatedConfig(root, context.Locations, top, importer);
            var next = Contribute(config);
            var nextFingerprint = ConfigContributions.Fingerprint(next);
            if (nextFingerprint == fingerprint)
            {
                return Check(config);
            }
            if (round == MaxRounds)
            {
                throw new InvalidOperationException("module definitions do not settle");
            }
            contributed = next;
            fingerprint = nextFingerprint;
        }
    }

    private List<Definition> Contribute(EvaluatedConfig config)
    {
        var all = new List<Definition>();
        foreach (var module in Modules)
        {
            var contributions = new ConfigContributions { ModuleName = module.Name };
            module.Contribute(config, contributions);
            all.AddRange(contributions.Definitions);
        }
        return all;
    }

    private Evaluation Check(EvaluatedConfig config)
    {
        var checks = new ConfigChecks(config);
        foreach (var module in Modules)
        {
            module.Check(config, checks);
        }
        if (checks.Failures.Count > 0)
        {
            throw checks.Failures[0];
        }
        return new Evaluation(config, checks.Warnings);
    }
}

/// <summary>An evaluated configuration and the warnings its modules gave.</summary>
public sealed record Evaluation(EvaluatedConfig Config, IReadOnlyList<string> Warnings);
