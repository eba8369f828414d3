using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

/// <summary>A set of declared options (one user, one unit): unknown names are errors, missing ones take their defaults.</summary>
public sealed class SubmoduleType(OptionSet options) : OptionType
{
    public override string Name => "submodule";

    public override OptionSet? SubOptions => options;

    public override object? Merge(OptionPath path, IReadOnlyList<Definition> definitions, MergeContext context)
    {
        context.Record(path, definitions[0].Location);
        return options.Evaluate(path, definitions, context);
    }

    public override JsonObject JsonSchema() => options.JsonSchema();
}
