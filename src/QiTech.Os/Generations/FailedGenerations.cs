using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Generations;

/// <summary>
/// Generations that did not start correctly (a health check failed after a switch, or a boot
/// did not become healthy), each with the one-line reason, in
/// <c>R/qitech/var/failed-generations.json</c>. A generation that later passes its checks is
/// cleared. Callers hold the <see cref="SystemLock"/>; readers need none (written by rename).
/// </summary>
public sealed class FailedGenerations(SystemLayout layout)
{
    public string FilePath => layout.StateDir + "/failed-generations.json";

    /// <summary>Every failed generation with its reason.</summary>
    public IReadOnlyDictionary<GenerationNumber, string> All()
    {
        var result = new Dictionary<GenerationNumber, string>();
        if (!File.Exists(FilePath))
        {
            return result;
        }
        try
        {
            if (JsonNode.Parse(File.ReadAllText(FilePath)) is JsonObject entries)
            {
                foreach (var (key, value) in entries)
                {
                    if (GenerationNumber.TryParse(key, out var number, out _) && value?.GetValueKind() == JsonValueKind.String)
                    {
                        result[number] = value.GetValue<string>();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A damaged record marks nothing failed; the next mark rewrites it.
        }
        return result;
    }

    public void Mark(GenerationNumber number, string reason)
    {
        var all = new Dictionary<GenerationNumber, string>(All()) { [number] = reason };
        Save(all);
    }

    public void Clear(GenerationNumber number)
    {
        var all = new Dictionary<GenerationNumber, string>(All());
        if (all.Remove(number))
        {
            Save(all);
        }
    }

    private void Save(Dictionary<GenerationNumber, string> all)
    {
        var json = new JsonObject();
        foreach (var (number, reason) in all.OrderBy(e => e.Key.Value))
        {
            json[number.Value.ToString(CultureInfo.InvariantCulture)] = reason;
        }
        Directory.CreateDirectory(layout.StateDir);
        DurableFile.Write(FilePath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
