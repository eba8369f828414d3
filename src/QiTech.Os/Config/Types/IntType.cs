using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

public sealed class IntType(long min = long.MinValue, long max = long.MaxValue) : ScalarOptionType
{
    public override string Name => min == long.MinValue && max == long.MaxValue ? "int" : $"int between {min} and {max}";

    public override object? Check(OptionPath path, Definition definition)
    {
        var value = Scalar(path, definition).AsInt();
        if (value is not { } v || v < min || v > max)
        {
            throw ConfigException.WrongType(definition.Location, path, Name, definition.Node.Describe());
        }
        return v;
    }

    public override JsonObject JsonSchema()
    {
        var schema = new JsonObject { ["type"] = "integer" };
        if (min != long.MinValue)
        {
            schema["minimum"] = min;
        }
        if (max != long.MaxValue)
        {
            schema["maximum"] = max;
        }
        return schema;
    }
}
