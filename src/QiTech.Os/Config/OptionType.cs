using System.Text.Json.Nodes;

namespace QiTech.Os.Config;

/// <summary>
/// What values an option takes and how several definitions of it merge. Types check a
/// definition once and turn it into a plain value: <see cref="bool"/>, <see cref="long"/>,
/// <see cref="string"/>, <see cref="LocalPath"/>, null, a list (<c>IReadOnlyList&lt;object?&gt;</c>)
/// or a set (<c>IReadOnlyDictionary&lt;string, object?&gt;</c>, keys in ordinal order).
/// </summary>
public abstract class OptionType
{
    /// <summary>The name shown in docs and type errors ("list of string").</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Merges definitions that all hold the strongest priority (at least one). Throws
    /// <see cref="ConfigException"/> naming the place of the offending definition.
    /// </summary>
    public abstract object? Merge(OptionPath path, IReadOnlyList<Definition> definitions, MergeContext context);

    /// <summary>The JSON Schema of a value of this type, for editors.</summary>
    public abstract JsonObject JsonSchema();

    /// <summary>Options declared inside this type (submodules), for the docs.</summary>
    public virtual OptionSet? SubOptions => null;
}
