namespace QiTech.Os.Config.Types;

/// <summary>
/// A type whose definitions must all agree: the same value given twice is fine, two
/// different values are a conflict naming both places.
/// </summary>
public abstract class ScalarOptionType : OptionType
{
    /// <summary>Checks one definition and returns its value.</summary>
    public abstract object? Check(OptionPath path, Definition definition);

    /// <summary>Checks one definition with what merging knows (where local paths may lead).</summary>
    protected virtual object? Check(OptionPath path, Definition definition, MergeContext context) => Check(path, definition);

    public override object? Merge(OptionPath path, IReadOnlyList<Definition> definitions, MergeContext context)
    {
        var first = definitions[0];
        var value = Check(path, first, context);
        foreach (var other in definitions.Skip(1))
        {
            var otherValue = Check(path, other, context);
            if (!Equals(value, otherValue))
            {
                throw ConfigException.Conflict(path, ValueText.Show(value), first.Location, ValueText.Show(otherValue), other.Location);
            }
        }
        context.Record(path, first.Location);
        return value;
    }

    protected ScalarDefinition Scalar(OptionPath path, Definition definition) =>
        definition.Node as ScalarDefinition ?? throw ConfigException.WrongType(definition.Location, path, Name, definition.Node.Describe());
}
