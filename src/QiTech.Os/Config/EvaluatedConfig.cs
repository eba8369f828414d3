namespace QiTech.Os.Config;

/// <summary>
/// A configuration after merging: every declared option has a value (its default when nobody
/// defined it), and each defined value remembers where it was defined.
/// </summary>
public sealed class EvaluatedConfig(IReadOnlyDictionary<string, object?> root, IReadOnlyDictionary<OptionPath, SourceLocation> locations,
    SourceLocation topFile, ILocalPathImporter importer)
{
    /// <summary>Where local paths (prebuilt packages, etc sources) go in the store.</summary>
    public ILocalPathImporter Importer { get; } = importer;

    /// <summary>The configuration file evaluation started from (the one a lock file sits beside).</summary>
    public SourceLocation TopFile => topFile;

    public IReadOnlyDictionary<string, object?> Root { get; } = root;

    public object? Get(OptionPath path)
    {
        object? current = Root;
        foreach (var segment in path.Segments)
        {
            if (current is not IReadOnlyDictionary<string, object?> set || !set.TryGetValue(segment, out current))
            {
                throw new KeyNotFoundException($"no option {path}");
            }
        }
        return current;
    }

    public object? Get(string dottedPath) => Get(OptionPath.Parse(dottedPath));

    public bool Bool(string dottedPath) => (bool)Get(dottedPath)!;

    public long Int(string dottedPath) => (long)Get(dottedPath)!;

    public string String(string dottedPath) => (string)Get(dottedPath)!;

    public string? NullableString(string dottedPath) => (string?)Get(dottedPath);

    public IReadOnlyList<object?> List(string dottedPath) => (IReadOnlyList<object?>)Get(dottedPath)!;

    public IReadOnlyList<string> Strings(string dottedPath) => [.. List(dottedPath).Cast<string>()];

    public IReadOnlyDictionary<string, object?> Set(string dottedPath) => (IReadOnlyDictionary<string, object?>)Get(dottedPath)!;

    /// <summary>Where the value at the path (or, failing that, its nearest parent) was defined.</summary>
    public SourceLocation LocationOf(OptionPath path)
    {
        for (var p = path; ; p = p.Parent)
        {
            if (locations.TryGetValue(p, out var location))
            {
                return location;
            }
            if (p.IsRoot)
            {
                return topFile;
            }
        }
    }

    /// <summary>True when the value at the path came from a definition, not from the option's default.</summary>
    public bool IsDefined(OptionPath path) => locations.ContainsKey(path);
}
