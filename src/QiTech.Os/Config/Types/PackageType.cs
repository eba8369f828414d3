using System.Text.Json.Nodes;

namespace QiTech.Os.Config.Types;

/// <summary>
/// A package, named by its entry under <c>packages</c>, which says where its store path
/// comes from. The name must be a valid store path name.
/// </summary>
public sealed class PackageType : ScalarOptionType
{
    public const string NamePattern = "^[A-Za-z0-9+_?=-][A-Za-z0-9+._?=-]*$";

    public override string Name => "package";

    public override object? Check(OptionPath path, Definition definition)
    {
        var scalar = Scalar(path, definition);
        return !scalar.IsNull && scalar.AsBool() == null && Nix.StorePath.IsValidName(scalar.Text)
            ? scalar.Text
            : throw ConfigException.WrongType(definition.Location, path, "package (a name under packages)", scalar.Describe());
    }

    public override JsonObject JsonSchema() => new() { ["type"] = "string", ["pattern"] = NamePattern };
}
