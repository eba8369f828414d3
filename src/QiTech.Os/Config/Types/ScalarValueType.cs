using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

/// <summary>A string, int or bool kept as written: sysctl values, environment variables, unit settings.</summary>
public sealed class ScalarValueType : ScalarOptionType
{
    public override string Name => "string, int or bool";

    public override object? Check(OptionPath path, Definition definition)
    {
        var scalar = Scalar(path, definition);
        if (scalar.IsNull)
        {
            throw ConfigException.WrongType(definition.Location, path, Name, "null");
        }
        return (object?)scalar.AsBool() ?? (object?)scalar.AsInt() ?? scalar.Text;
    }

    public override JsonObject JsonSchema() => new() { ["type"] = new JsonArray("string", "integer", "boolean") };

    /// <summary>The value as configuration files write it.</summary>
    public static string Render(object? value) => value switch
    {
        bool b => b ? "true" : "false",
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
