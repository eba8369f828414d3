using System.Text.Json;
using System.Text.Json.Serialization;
using QiTech.Os.Errors;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Generations;

/// <summary>
/// How many generations survive each successful switch: the newest <see cref="KeepLast"/>,
/// plus always the current, booted, boot-default and last known-good ones.
/// Kept in <c>R/qitech/var/retention.json</c>.
/// </summary>
public sealed record RetentionSettings(int KeepLast)
{
    public const int DefaultKeepLast = 10;

    public static string PathFor(SystemLayout layout) => layout.StateDir + "/retention.json";

    public static RetentionSettings Load(SystemLayout layout)
    {
        var path = PathFor(layout);
        if (!File.Exists(path))
        {
            return new RetentionSettings(DefaultKeepLast);
        }
        try
        {
            var settings = JsonSerializer.Deserialize(File.ReadAllText(path), GenerationsJson.Default.RetentionSettings);
            return settings is { KeepLast: >= 1 } ? settings : throw new JsonException("keepLast must be 1 or more");
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{path}: not a valid retention setting: {e.Message}");
        }
    }

    public void Save(SystemLayout layout)
    {
        if (KeepLast < 1)
        {
            throw new BadInputException($"retention: keep at least 1 generation, not {KeepLast}");
        }
        DurableFile.Write(PathFor(layout), JsonSerializer.Serialize(this, GenerationsJson.Default.RetentionSettings) + "\n");
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RetentionSettings))]
internal sealed partial class GenerationsJson : JsonSerializerContext;
