using System.Text.Json;
using System.Text.Json.Serialization;
using QiTech.Os.Generations;

namespace QiTech.Os.Contract;

/// <summary>A <see cref="GenerationNumber"/> as a JSON number, 1 and up.</summary>
public sealed class GenerationNumberJsonConverter : JsonConverter<GenerationNumber>
{
    public override GenerationNumber Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
        {
            throw new JsonException("a generation is a whole number");
        }
        return value >= 1 ? new GenerationNumber(value) : throw new JsonException($"generation {value}: generations count from 1");
    }

    public override void Write(Utf8JsonWriter writer, GenerationNumber value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.Value);
}
