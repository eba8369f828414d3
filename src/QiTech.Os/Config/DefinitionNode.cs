namespace QiTech.Os.Config;

/// <summary>
/// One definition as written, before types give it meaning: a YAML node or a value a module
/// set in code. <see cref="Tag"/> is an explicit priority (<c>!force</c>, <c>!default</c>);
/// children without one inherit their parent's.
/// </summary>
public abstract record DefinitionNode(SourceLocation Location, Priority? Tag)
{
    /// <summary>A short description for "got …" in type errors.</summary>
    public abstract string Describe();
}

/// <summary>A scalar. Plain scalars follow YAML's core schema (true, 12, null); quoted ones are strings.</summary>
public sealed record ScalarDefinition(string Text, bool Quoted, SourceLocation Location, Priority? Tag = null)
    : DefinitionNode(Location, Tag)
{
    public bool IsNull => !Quoted && Text is "" or "~" or "null" or "Null" or "NULL";

    public bool? AsBool() => Quoted ? null : Text switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    };

    public long? AsInt()
    {
        if (Quoted)
        {
            return null;
        }
        return long.TryParse(Text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    public override string Describe() =>
        IsNull ? "null"
        : AsBool() is { } b ? (b ? "bool true" : "bool false")
        : AsInt() is { } i ? $"int {i}"
        : $"string '{Text}'";
}

public sealed record MappingEntry(string Key, SourceLocation KeyLocation, DefinitionNode Value);

public sealed record MappingDefinition(IReadOnlyList<MappingEntry> Entries, SourceLocation Location, Priority? Tag = null)
    : DefinitionNode(Location, Tag)
{
    public override string Describe() => "a mapping";
}

public sealed record SequenceDefinition(IReadOnlyList<DefinitionNode> Items, SourceLocation Location, Priority? Tag = null)
    : DefinitionNode(Location, Tag)
{
    public override string Describe() => "a list";
}

/// <summary>A definition with the priority it holds (its own tag, else inherited).</summary>
public readonly record struct Definition(DefinitionNode Node, Priority Priority)
{
    public SourceLocation Location => Node.Location;

    /// <summary>A child inherits this definition's priority unless it carries its own tag.</summary>
    public Definition Child(DefinitionNode node) => new(node, node.Tag ?? Priority);

    /// <summary>Only the definitions of the strongest priority count (NixOS's filterOverrides).</summary>
    public static IReadOnlyList<Definition> Strongest(IReadOnlyList<Definition> defs)
    {
        if (defs.Count <= 1)
        {
            return defs;
        }
        var best = defs.Min(d => d.Priority);
        return defs.Where(d => d.Priority == best).ToList();
    }
}
