using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

public sealed class BoolType : ScalarOptionType
{
    public override string Name => "bool";

    public override object? Check(OptionPath path, Definition definition) =>
        Scalar(path, definition).AsBool() ?? throw ConfigException.WrongType(definition.Location, path, Name, definition.Node.Describe());

    public override JsonObject JsonSchema() => new() { ["type"] = "boolean" };
}
