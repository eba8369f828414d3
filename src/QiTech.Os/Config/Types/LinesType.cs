using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

/// <summary>Text whose definitions are joined with newlines (udev rules, scripts), as NixOS's <c>types.lines</c>.</summary>
public sealed class LinesType : OptionType
{
    public override string Name => "lines";

    public override object? Merge(OptionPath path, IReadOnlyList<Definition> definitions, MergeContext context)
    {
        var parts = new List<string>();
        foreach (var d in definitions)
        {
            if (d.Node is not ScalarDefinition { IsNull: false } s)
            {
                throw ConfigException.WrongType(d.Location, path, Name, d.Node.Describe());
            }
            parts.Add(s.Text.TrimEnd('\n'));
        }
        context.Record(path, definitions[0].Location);
        return string.Join('\n', parts);
    }

    public override JsonObject JsonSchema() => new() { ["type"] = "string" };
}
