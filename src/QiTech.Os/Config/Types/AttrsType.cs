using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

/// <summary>
/// A set of named values of one type (<c>users.users.&lt;name&gt;</c>). Sets from several
/// definitions are merged name by name; each name's definitions merge by the element type.
/// </summary>
public sealed class AttrsType(OptionType element) : OptionType
{
    public OptionType Element { get; } = element;

    public override string Name => "attribute set of " + Element.Name;

    public override OptionSet? SubOptions => Element.SubOptions;

    public override object? Merge(OptionPath path, IReadOnlyList<Definition> definitions, MergeContext context)
    {
        var byName = new SortedDictionary<string, List<Definition>>(StringComparer.Ordinal);
        foreach (var d in definitions)
        {
            if (d.Node is ScalarDefinition { IsNull: true })
            {
                continue;
            }
            if (d.Node is not MappingDefinition map)
            {
                throw ConfigException.WrongType(d.Location, path, Name, d.Node.Describe());
            }
            foreach (var entry in map.Entries)
            {
                if (!byName.TryGetValue(entry.Key, out var list))
                {
                    byName[entry.Key] = list = [];
                }
                list.Add(d.Child(entry.Value));
                context.Record(path.Append(entry.Key), entry.KeyLocation);
            }
        }
        var result = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, defs) in byName)
        {
            result[name] = Element.Merge(path.Append(name), Definition.Strongest(defs), context);
        }
        context.Record(path, definitions[0].Location);
        return result;
    }

    public override JsonObject JsonSchema() => new() { ["type"] = "object", ["additionalProperties"] = Element.JsonSchema() };
}
