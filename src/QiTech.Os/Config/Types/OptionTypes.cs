namespace QiTech.Os.Config.Types;

/// <summary>Short names for declaring options, as NixOS's <c>types.*</c>.</summary>
public static class OptionTypes
{
    public static readonly BoolType Bool = new();
    public static readonly IntType Int = new();
    public static readonly StringType Str = new();
    public static readonly LinesType Lines = new();
    public static readonly ScalarValueType Scalar = new();
    public static readonly UnitSettingType UnitSetting = new();
    public static readonly PackageType Package = new();
    public static readonly PathType AbsolutePath = new(PathKind.OnTarget);
    public static readonly PathType LocalFile = new(PathKind.Local);
    public static readonly PathType SourceDirectory = new(PathKind.Source);
    public static readonly IntType Port = new(1, 65535);

    public static IntType IntBetween(long min, long max) => new(min, max);

    public static StringType Matching(string pattern, string name) => new(pattern, name);

    public static EnumType Enum(params string[] values) => new(values);

    public static ListType ListOf(OptionType element) => new(element);

    public static AttrsType AttrsOf(OptionType element) => new(element);

    public static NullOrType NullOr(OptionType inner) => new(inner);

    public static SubmoduleType Submodule(Action<OptionSet> declare)
    {
        var options = new OptionSet();
        declare(options);
        return new SubmoduleType(options);
    }

    public static IReadOnlyList<object?> EmptyList => [];

    public static IReadOnlyDictionary<string, object?> EmptySet => new SortedDictionary<string, object?>(StringComparer.Ordinal);

    public static IReadOnlyList<object?> List(params object?[] items) => items;
}
