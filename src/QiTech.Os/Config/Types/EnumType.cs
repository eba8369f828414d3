using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

public sealed class EnumType(params string[] values) : ScalarOptionType
{
    public IReadOnlyList<string> Values { get; } = values;

    public override string Name => "one of " + string.Join(", ", Values.Select(v => "\"" + v + "\""));

    public override object? Check(OptionPath path, Definition definition)
    {
        var scalar = Scalar(path, definition);
        return !scalar.IsNull && Values.Contains(scalar.Text, StringComparer.Ordinal)
            ? scalar.Text
            : throw ConfigException.WrongType(definition.Location, path, Name, scalar.Describe());
    }

    public override JsonObject JsonSchema() => new() { ["enum"] = new JsonArray([.. Values.Select(v => JsonValue.Create(v))]) };
}
