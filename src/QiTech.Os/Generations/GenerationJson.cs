using System.Text.Json;
using QiTech.Os.Platform;

namespace QiTech.Os.Generations;

/// <summary>A generation as the daemon API and <c>list-generations --json</c> render it (camelCase).</summary>
public sealed record GenerationJson(
    int Number,
    string StorePath,
    DateTimeOffset Created,
    bool Current,
    bool Booted,
    bool BootDefault,
    bool KnownGood,
    long? DiskCostBytes,
    VersionJson Version,
    string? Failure = null)
{
    public static GenerationJson From(GenerationInfo info, SystemLayout layout) => new(
        info.Number.Value,
        layout.StoreDir.Render(info.System),
        info.Created,
        info.Current,
        info.Booted,
        info.BootDefault,
        info.KnownGood,
        info.DiskCostBytes,
        new VersionJson(info.Version.Abbreviation, info.Version.Commit, info.Version.Timestamp, info.Version.Url),
        info.Failure);

    public static string Serialize(IEnumerable<GenerationInfo> generations, SystemLayout layout) =>
        JsonSerializer.Serialize(generations.Select(g => From(g, layout)).ToList(), GenerationsJson.Default.ListGenerationJson);
}

public sealed record VersionJson(string? Abbreviation, string? Commit, string? Timestamp, string? Url);
