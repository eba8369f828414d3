using System.Text.Json;
using System.Text.Json.Serialization;
using QiTech.Os.Nix;

namespace QiTech.Os.Contract;

/// <summary>
/// A <see cref="StorePath"/> as the full path in the daemon's logical store directory
/// (<c>/qitech/store/&lt;hash&gt;-name</c>); anything else is refused as it is read.
/// </summary>
public sealed class StorePathJsonConverter(StoreDirectory storeDir) : JsonConverter<StorePath>
{
    public override StorePath Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("a store path is a string");
        return storeDir.TryParse(text, out var path, out var error)
            ? path
            : throw new JsonException($"'{text}' {error.Describe()}{(error == StorePathError.NotInStore ? $" ({storeDir})" : "")}");
    }

    public override void Write(Utf8JsonWriter writer, StorePath value, JsonSerializerOptions options) =>
        writer.WriteStringValue(storeDir.Render(value));
}
