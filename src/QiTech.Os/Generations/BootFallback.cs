using System.Text.Json;
using System.Text.Json.Nodes;
using QiTech.Os.Platform;

namespace QiTech.Os.Generations;

/// <summary>
/// The running boot fell back: the boot loader passed over generation <see cref="From"/>
/// (no boot tries left) and booted <see cref="To"/>. Kept for the boot only
/// (<c>R/run/qitech-os/boot-fallback.json</c>; /run is a tmpfs on a machine, and every
/// embedded boot writes or removes it).
/// </summary>
public sealed record BootFallback(int From, int To, string Reason)
{
    public static BootFallback? Read(string path)
    {
        try
        {
            return File.Exists(path) && JsonNode.Parse(File.ReadAllText(path)) is JsonObject o
                && o["from"]?.GetValue<int>() is { } from && o["to"]?.GetValue<int>() is { } to
                ? new BootFallback(from, to, o["reason"]?.GetValue<string>() ?? "")
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Records <paramref name="fallback"/>, or removes the record when null.</summary>
    public static void Write(string path, BootFallback? fallback)
    {
        if (fallback == null)
        {
            DurableFile.Delete(path);
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        DurableFile.Write(path, new JsonObject { ["from"] = fallback.From, ["to"] = fallback.To, ["reason"] = fallback.Reason }.ToJsonString() + "\n");
    }
}
