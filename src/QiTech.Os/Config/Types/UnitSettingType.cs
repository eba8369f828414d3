using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

/// <summary>
/// A unit setting (<c>serviceConfig.ExecStartPre</c>): a string, int or bool, or a list of
/// them written as one line each. Lists from several definitions concatenate; single values
/// must agree, as NixOS's unit options.
/// </summary>
public sealed class UnitSettingType : OptionType
{
    private static readonly ScalarValueType ScalarValue = new();
    private static readonly ListType ListOfScalars = new(ScalarValue);

    public override string Name => "string, int, bool or a list of them";

    public override object? Merge(OptionPath path, IReadOnlyList<Definition> definitions, MergeContext context)
    {
        var lists = definitions.Count(d => d.Node is SequenceDefinition);
        if (lists == definitions.Count)
        {
            return ListOfScalars.Merge(path, definitions, context);
        }
        if (lists > 0)
        {
            var list = definitions.First(d => d.Node is SequenceDefinition);
            var single = definitions.First(d => d.Node is not SequenceDefinition);
            throw ConfigException.Conflict(path, "a list", list.Location, "a single value", single.Location);
        }
        return ScalarValue.Merge(path, definitions, context);
    }

    public override JsonObject JsonSchema() => new()
    {
        ["anyOf"] = new JsonArray(ScalarValue.JsonSchema(), ListOfScalars.JsonSchema()),
    };
}
