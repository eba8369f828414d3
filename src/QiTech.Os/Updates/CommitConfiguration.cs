using QiTech.Os.Errors;
using QiTech.Os.Sources;

namespace QiTech.Os.Updates;

/// <summary>
/// Which file of a commit's tree an update builds: the one asked for, else the first of
/// <see cref="DefaultFiles"/> the commit has. A commit without it is refused with the YAML
/// files it does have, so the right name is one look away.
/// </summary>
public static class CommitConfiguration
{
    /// <summary>
    /// Tried in order when nothing names the file: <c>machine.yaml</c> at the commit's root, else
    /// <c>configuration/machine.yaml</c> (this repository's own layout).
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultFiles = ["machine.yaml", "configuration/machine.yaml"];

    private const int ListedFiles = 20;

    /// <summary>The relative path of the configuration to build in <paramref name="tree"/>.</summary>
    public static string Find(string tree, string? asked, GitRefName gitRef)
    {
        var candidates = asked != null ? [asked] : DefaultFiles;
        foreach (var candidate in candidates)
        {
            if (File.Exists(Path.Combine(tree, candidate)))
            {
                return candidate;
            }
        }
        var yaml = YamlFiles(tree);
        var listed = yaml.Count == 0 ? "it has no YAML file"
            : "its YAML files: " + string.Join(", ", yaml.Take(ListedFiles)) + (yaml.Count > ListedFiles ? $" and {yaml.Count - ListedFiles} more" : "");
        throw new BadInputException(
            $"{gitRef}: the commit has no configuration file {string.Join(" nor ", candidates.Select(c => $"'{c}'"))}; {listed} (name one with --config-file or system.update.configFile)");
    }

    /// <summary>Every *.yaml and *.yml file of the tree outside hidden folders, relative to it, in ordinal order.</summary>
    private static List<string> YamlFiles(string tree)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint };
        return [.. Directory.EnumerateFiles(tree, "*", options)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(tree, f))
            .Order(StringComparer.Ordinal)];
    }
}
