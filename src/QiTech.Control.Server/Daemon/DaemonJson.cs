using System.Text.Json;
using System.Text.Json.Serialization;

namespace QiTech.Control.Server.Daemon;

/// <summary>The daemon's JSON conventions: camelCase names and enums.</summary>
public static class DaemonJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// The text of a log event: its data is either a JSON object with a "line", "text" or
    /// "message" member, a JSON string, or the bare line.
    /// </summary>
    public static string LogText(string data)
    {
        if (data.Length > 0 && (data[0] == '{' || data[0] == '"'))
        {
            try
            {
                using var doc = JsonDocument.Parse(data);
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.String)
                {
                    return root.GetString() ?? "";
                }
                foreach (var name in (string[])["line", "text", "message"])
                {
                    if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value)
                        && value.ValueKind == JsonValueKind.String)
                    {
                        return value.GetString() ?? "";
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: the line itself.
            }
        }
        return data;
    }
}
