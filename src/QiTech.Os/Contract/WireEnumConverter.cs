using System.Text.Json;
using System.Text.Json.Serialization;

namespace QiTech.Os.Contract;

/// <summary>
/// An enum as its kebab-case name (<c>DryActivate</c> ↔ <c>"dry-activate"</c>); a name that is
/// none of the values is refused with the list of those that are.
/// </summary>
public sealed class WireEnumConverter<T> : JsonConverter<T>
    where T : struct, Enum
{
    private static readonly Dictionary<string, T> ByName = Enum.GetValues<T>().ToDictionary(v => DaemonJson.WireName(v), StringComparer.Ordinal);

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException($"expected one of {string.Join(", ", ByName.Keys)}");
        return ByName.TryGetValue(text, out var value) ? value : throw new JsonException($"'{text}' is not one of {string.Join(", ", ByName.Keys)}");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(DaemonJson.WireName(value));
}
