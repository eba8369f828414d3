using QiTech.Os.Platform;

namespace QiTech.Os.Config;

/// <summary>
/// Where a configuration may read files from: its repository (the git work tree holding the
/// top file, else the top file's folder; for a configuration inside the store, the store path
/// holding it) and the host paths <c>system.allowedPaths</c> names. Every path is compared
/// after its symlinks are resolved, so a link inside the repository that points out of it
/// counts as outside. Imports stay inside the repository itself: an imported file is parsed,
/// and a file outside could show its text in an error.
/// </summary>
public sealed class ConfigRepository
{
    /// <summary>The option that allows paths outside the repository, read from the files before evaluation.</summary>
    public static readonly OptionPath AllowedPathsOption = OptionPath.Parse("system.allowedPaths");

    private ConfigRepository(string root, IReadOnlyList<string> allowedPaths)
    {
        Root = root;
        AllowedPaths = allowedPaths;
    }

    /// <summary>The repository's folder, symlinks resolved.</summary>
    public string Root { get; }

    /// <summary>Further allowed files or folders, symlinks resolved.</summary>
    public IReadOnlyList<string> AllowedPaths { get; }

    /// <summary>The repository of the configuration whose top file is <paramref name="configFile"/>.</summary>
    /// <param name="physicalStoreDir">Where the store's files lie: a configuration inside a store path (an update's commit tree) has that path as its repository.</param>
    public static ConfigRepository Locate(string configFile, string? physicalStoreDir = null)
    {
        var folder = Resolve(Path.GetDirectoryName(Path.GetFullPath(configFile))!);
        if (physicalStoreDir != null)
        {
            var store = Resolve(Path.GetFullPath(physicalStoreDir)).TrimEnd('/');
            if (folder.StartsWith(store + "/", StringComparison.Ordinal))
            {
                return new ConfigRepository(store + "/" + folder[(store.Length + 1)..].Split('/')[0], []);
            }
        }
        for (var dir = folder; dir != null; dir = Path.GetDirectoryName(dir))
        {
            if (Path.Exists(Path.Combine(dir, ".git")))
            {
                return new ConfigRepository(dir, []);
            }
        }
        return new ConfigRepository(folder, []);
    }

    /// <summary>This repository, also allowing the <c>system.allowedPaths</c> the files define.</summary>
    public ConfigRepository Allowing(IEnumerable<ConfigFile> files) =>
        new(Root, [.. AllowedPaths, .. files.SelectMany(f => AllowedPathsIn(f.Root)).Select(Resolve).Distinct(StringComparer.Ordinal)]);

    /// <summary>True when the (absolute) path lies inside the repository; <paramref name="resolved"/> is where it really leads.</summary>
    public bool InRepository(string fullPath, out string resolved)
    {
        resolved = Resolve(fullPath);
        return IsWithin(resolved, Root);
    }

    /// <summary>True when the (absolute) path lies inside the repository or inside an allowed path.</summary>
    public bool Permits(string fullPath, out string resolved) =>
        InRepository(fullPath, out resolved) || AllowedPaths.Any(IsWithin(resolved));

    /// <summary>The refusal for a path that leads outside, naming it (never its contents) and how to allow it.</summary>
    public string Outside(string written, string fullPath, string resolved, bool importing)
    {
        var leads = fullPath == resolved ? "" : $" leads to '{resolved}', which";
        return $"path '{written}'{leads} is outside the configuration's repository '{Root}'"
            + (importing ? " (imports never leave it)" : $" (allow it in {AllowedPathsOption})");
    }

    /// <summary>
    /// An absolute path with its symlinks resolved as far as it exists: the part that does not
    /// exist yet is kept as written (it holds no links to follow).
    /// </summary>
    public static string Resolve(string fullPath)
    {
        var rest = new Stack<string>();
        for (var current = fullPath.TrimEnd('/'); ; current = Path.GetDirectoryName(current)!)
        {
            if (Posix.RealPath(current) is { } real)
            {
                return rest.Aggregate(real, (path, name) => path.TrimEnd('/') + "/" + name);
            }
            if (current == "/")
            {
                return fullPath;
            }
            rest.Push(Path.GetFileName(current));
        }
    }

    private static Func<string, bool> IsWithin(string resolved) => allowed => IsWithin(resolved, allowed);

    private static bool IsWithin(string path, string folder) =>
        path == folder || path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal);

    // Read from the definitions as written: the paths must be known before any path option is checked.
    private static IEnumerable<string> AllowedPathsIn(MappingDefinition root)
    {
        DefinitionNode node = root;
        foreach (var segment in AllowedPathsOption.Segments)
        {
            if (node is not MappingDefinition map || map.Entries.FirstOrDefault(e => e.Key == segment) is not { } entry)
            {
                return [];
            }
            node = entry.Value;
        }
        return node is SequenceDefinition list
            ? list.Items.OfType<ScalarDefinition>().Select(s => s.Text).Where(t => t.StartsWith('/') && !t.Contains('\0')).Select(Path.GetFullPath)
            : [];
    }
}
