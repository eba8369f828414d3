using System.Text.Json;
using System.Text.Json.Nodes;

namespace QiTech.Os.Config;

/// <summary>Evaluated values as JSON: sets with sorted keys, so the same configuration gives the same bytes.</summary>
public static class ConfigJson
{
    /// <param name="localPath">How a local path is shown (the system builder shows its store path).</param>
    public static JsonNode? ToJson(object? value, Func<LocalPath, string>? localPath = null) => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        string s => JsonValue.Create(s),
        LocalPath p => JsonValue.Create(localPath != null ? localPath(p) : p.FullPath),
        IReadOnlyList<object?> list => new JsonArray([.. list.Select(v => ToJson(v, localPath))]),
        IReadOnlyDictionary<string, object?> set => ToObject(set, localPath),
        _ => throw new InvalidOperationException($"no JSON for {value.GetType().Name}"),
    };

    private static JsonObject ToObject(IReadOnlyDictionary<string, object?> set, Func<LocalPath, string>? localPath)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in set.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            obj[k] = ToJson(v, localPath);
        }
        return obj;
    }

    public static string Write(JsonNode? node) =>
        (node?.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "null") + "\n";
}
