using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

/// <summary>A list; the lists of all definitions are concatenated in the order the files were read.</summary>
public sealed class ListType(OptionType element) : OptionType
{
    public OptionType Element { get; } = element;

    public override string Name => "list of " + Element.Name;

    public override OptionSet? SubOptions => Element.SubOptions;

    public override object? Merge(OptionPath path, IReadOnlyList<Definition> definitions, MergeContext context)
    {
        var result = new List<object?>();
        foreach (var d in definitions)
        {
            if (d.Node is ScalarDefinition { IsNull: true })
            {
                continue;
            }
            if (d.Node is not SequenceDefinition seq)
            {
                throw ConfigException.WrongType(d.Location, path, Name, d.Node.Describe());
            }
            foreach (var item in seq.Items)
            {
                var index = path.Append(result.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                result.Add(Element.Merge(index, [new Definition(item, d.Priority)], context));
            }
        }
        context.Record(path, definitions[0].Location);
        return result;
    }

    public override JsonObject JsonSchema() => new() { ["type"] = "array", ["items"] = Element.JsonSchema() };
}
