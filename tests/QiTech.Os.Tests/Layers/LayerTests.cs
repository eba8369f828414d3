using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Layers;

/// <summary>
/// The folders of QiTech.Os (one namespace each) in layers, lowest first, as ARCHITECTURE.md
/// lists them: a type may use its own layer and the layers below, never one above, and no
/// folders use each other in a circle, so the layout reads one way. A folder missing here
/// fails too: a new folder needs a place.
/// </summary>
public class LayerTests
{
    public static readonly string[][] Layers =
    [
        ["Errors", "Platform"],
        ["Nix", "Nar"],
        ["Store"],
        ["Config", "Build", "Sources", "Cache", "Base", "Access"],
        ["Generations"],
        ["Services"],
        ["Health"],
        ["Activation"],
        ["Jobs", "Updates", "Image"],
        ["Contract", "Client"],
    ];

    [Fact]
    public void No_type_uses_a_folder_of_a_higher_layer()
    {
        var violations = Violations(TypeDependencies.Of(typeof(Nix.StorePath).Assembly));

        Assert.True(violations.Count == 0, "types that reach up a layer:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void No_folders_use_each_other_in_a_circle()
    {
        var cycle = Cycle(TypeDependencies.Of(typeof(Nix.StorePath).Assembly));

        Assert.True(cycle is null, "folders that use each other: " + string.Join(" -> ", cycle ?? []));
    }

    [Fact]
    public void Every_folder_has_a_layer()
    {
        var folders = typeof(Nix.StorePath).Assembly.GetTypes().Select(Folder).OfType<string>().ToHashSet();

        Assert.Empty(folders.Except(Layers.SelectMany(l => l)).Order(StringComparer.Ordinal));
    }

    /// <summary>"Store -> Jobs: LocalStore uses JobState" for each use of a folder of a higher layer.</summary>
    public static List<string> Violations(IReadOnlyDictionary<Type, IReadOnlySet<Type>> dependencies)
    {
        var violations = new List<string>();
        foreach (var (type, used) in dependencies)
        {
            foreach (var target in used)
            {
                if (Folder(type) is { } from && Folder(target) is { } to && Layer(from) < Layer(to))
                {
                    violations.Add($"{from} -> {to}: {type.Name} uses {target.Name}");
                }
            }
        }
        violations.Sort(StringComparer.Ordinal);
        return violations;
    }

    /// <summary>A circle of folders ("Activation", "Generations", "Activation"), or null when there is none.</summary>
    public static List<string>? Cycle(IReadOnlyDictionary<Type, IReadOnlySet<Type>> dependencies)
    {
        var uses = new Dictionary<string, SortedSet<string>>();
        foreach (var (type, used) in dependencies)
        {
            foreach (var target in used)
            {
                if (Folder(type) is { } from && Folder(target) is { } to && from != to)
                {
                    (uses.TryGetValue(from, out var set) ? set : uses[from] = new SortedSet<string>(StringComparer.Ordinal)).Add(to);
                }
            }
        }
        var done = new HashSet<string>();
        var path = new List<string>();
        return uses.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(c => c != null);

        List<string>? Visit(string folder)
        {
            if (path.IndexOf(folder) is var at and >= 0)
            {
                return [.. path[at..], folder];
            }
            if (!done.Add(folder))
            {
                return null;
            }
            path.Add(folder);
            var found = uses.GetValueOrDefault(folder)?.Select(Visit).FirstOrDefault(c => c != null);
            path.RemoveAt(path.Count - 1);
            return found;
        }
    }

    /// <summary>The folder of QiTech.Os a type is in ("Store" for QiTech.Os.Store.LocalStore); null outside one.</summary>
    private static string? Folder(Type type) =>
        type.Namespace?.Split('.') is ["QiTech", "Os", var folder, ..] ? folder : null;

    private static int Layer(string folder) =>
        Array.FindIndex(Layers, l => l.Contains(folder)) is var index and >= 0 ? index : int.MaxValue;
}
