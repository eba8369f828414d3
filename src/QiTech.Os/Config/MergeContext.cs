namespace QiTech.Os.Config;

/// <summary>What merging remembers besides values: where each value was defined.</summary>
public sealed class MergeContext
{
    private readonly Dictionary<OptionPath, SourceLocation> locations = [];

    public void Record(OptionPath path, SourceLocation location) => locations.TryAdd(path, location);

    public IReadOnlyDictionary<OptionPath, SourceLocation> Locations => locations;
}
