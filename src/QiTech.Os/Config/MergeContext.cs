namespace QiTech.Os.Config;

/// <summary>What merging remembers besides values (where each value was defined), and where local paths may lead.</summary>
public sealed class MergeContext(ConfigRepository repository)
{
    private readonly Dictionary<OptionPath, SourceLocation> locations = [];

    /// <summary>The folders local paths of the configuration's files must stay in.</summary>
    public ConfigRepository Repository { get; } = repository;

    public void Record(OptionPath path, SourceLocation location) => locations.TryAdd(path, location);

    public IReadOnlyDictionary<OptionPath, SourceLocation> Locations => locations;
}
