using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace QiTech.Os.Config.Types;

/// <summary>
/// Text. A plain <c>true</c> or <c>12</c> is a bool or an int in YAML, not a string, and is
/// refused (quote it), as NixOS refuses an int for <c>types.str</c>. An optional pattern
/// restricts the text (host names, unit names).
/// </summary>
public sealed class StringType(string? pattern = null, string? patternName = null) : ScalarOptionType
{
    private readonly Regex? regex = pattern == null ? null : new Regex(pattern, RegexOptions.CultureInvariant);

    public override string Name => patternName ?? (pattern == null ? "string" : $"string matching {pattern}");

    public override object? Check(OptionPath path, Definition definition)
    {
        var scalar = Scalar(path, definition);
        if (scalar.IsNull || scalar.AsBool() != null || scalar.AsInt() != null || regex != null && !regex.IsMatch(scalar.Text))
        {
            throw ConfigException.WrongType(definition.Location, path, Name, scalar.Describe());
        }
        return scalar.Text;
    }

    public override JsonObject JsonSchema()
    {
        var schema = new JsonObject { ["type"] = "string" };
        if (pattern != null)
        {
            schema["pattern"] = pattern;
        }
        return schema;
    }
}
