using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

/// <summary>Null (unset) or a value of the inner type.</summary>
public sealed class NullOrType(OptionType inner) : OptionType
{
    public OptionType Inner { get; } = inner;

    public override string Name => "null or " + Inner.Name;

    public override OptionSet? SubOptions => Inner.SubOptions;

    public override object? Merge(OptionPath path, IReadOnlyList<Definition> definitions, MergeContext context)
    {
        var nulls = definitions.Where(d => d.Node is ScalarDefinition { IsNull: true }).ToList();
        if (nulls.Count == definitions.Count)
        {
            context.Record(path, definitions[0].Location);
            return null;
        }
        if (nulls.Count > 0)
        {
            var set = definitions.First(d => d.Node is not ScalarDefinition { IsNull: true });
            throw ConfigException.Conflict(path, "null", nulls[0].Location, "a value", set.Location);
        }
        return Inner.Merge(path, definitions, context);
    }

    public override JsonObject JsonSchema() => new() { ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "null" }, Inner.JsonSchema()) };
}
