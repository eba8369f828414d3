using System.Text.Json;
using System.Text.Json.Nodes;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Build;

/// <summary>
/// How long the last successful build of each package took, kept in
/// <c>R/qitech/var/build-times.json</c> (written whole or not at all), so the next build of the
/// same package can tell how long it has left.
/// </summary>
public sealed class BuildTimes(SystemLayout layout)
{
    public string FilePath => layout.StateDir + "/build-times.json";

    private string LockPath => layout.StateDir + "/build-times.lock";

    /// <summary>The last build's duration of a package, if one was recorded.</summary>
    public TimeSpan? Last(string package) =>
        Read().TryGetValue(package, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;

    public void Record(string package, TimeSpan duration)
    {
        Directory.CreateDirectory(layout.StateDir);
        // Two builds may finish at once: each must keep the other's entry.
        using var gate = FileLock.Acquire(LockPath, exclusive: true);
        var all = Read();
        all[package] = Math.Round(duration.TotalSeconds, 3);
        var json = new JsonObject();
        foreach (var (name, seconds) in all.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            json[name] = seconds;
        }
        DurableFile.Write(FilePath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private Dictionary<string, double> Read()
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            if (JsonNode.Parse(File.ReadAllText(FilePath)) is JsonObject json)
            {
                foreach (var (name, value) in json)
                {
                    if (value is JsonValue v && v.TryGetValue<double>(out var seconds) && seconds >= 0)
                    {
                        result[name] = seconds;
                    }
                }
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            // No estimates yet, or a damaged file: estimates are only a help.
        }
        return result;
    }
}
