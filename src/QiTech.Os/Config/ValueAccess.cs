namespace QiTech.Os.Config;

/// <summary>Typed reads of a submodule's value (one user, one unit) for modules rendering files.</summary>
public static class ValueAccess
{
    public static bool Bool(this IReadOnlyDictionary<string, object?> set, string name) => (bool)set[name]!;

    public static long? Int(this IReadOnlyDictionary<string, object?> set, string name) => (long?)set[name];

    public static string? Str(this IReadOnlyDictionary<string, object?> set, string name) => (string?)set[name];

    public static IReadOnlyList<object?> List(this IReadOnlyDictionary<string, object?> set, string name) => (IReadOnlyList<object?>)set[name]!;

    public static IReadOnlyList<string> Strings(this IReadOnlyDictionary<string, object?> set, string name) => [.. set.List(name).Cast<string>()];

    public static IReadOnlyDictionary<string, object?> Set(this IReadOnlyDictionary<string, object?> set, string name) =>
        (IReadOnlyDictionary<string, object?>)set[name]!;

    /// <summary>The entries of a set of submodules, each as a set.</summary>
    public static IEnumerable<(string Name, IReadOnlyDictionary<string, object?> Value)> Entries(this IReadOnlyDictionary<string, object?> set) =>
        set.Select(kv => (kv.Key, (IReadOnlyDictionary<string, object?>)kv.Value!));
}
