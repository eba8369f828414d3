using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using QiTech.Os.Generations;
using QiTech.Os.Nix;
using QiTech.Os.Sources;

namespace QiTech.Os.Contract;

/// <summary>
/// A generation as the daemon API and <c>list-generations --json</c> give it; <see cref="DiskCostBytes"/>
/// is null in the status; <see cref="Failure"/> is why it did not start correctly, when it did not;
/// <see cref="Origin"/> is the ref an update installed it from, when one did.
/// </summary>
public sealed record GenerationJson(
    GenerationNumber Number,
    StorePath StorePath,
    DateTimeOffset Created,
    bool Current,
    bool Booted,
    bool BootDefault,
    bool KnownGood,
    long? DiskCostBytes,
    VersionInfo Version,
    string? Failure = null,
    OriginJson? Origin = null)
{
    public static GenerationJson From(GenerationInfo info) => new(
        info.Number,
        info.System,
        info.Created,
        info.Current,
        info.Booted,
        info.BootDefault,
        info.KnownGood,
        info.DiskCostBytes,
        info.Version,
        info.Failure,
        info.Origin is { } origin ? new OriginJson(origin.Ref.Name, origin.Commit.Hex) : null);

    /// <summary>What the operator knows it by: "feature/x = v1.2 (abc1234)" when an update recorded its ref, else the version's label.</summary>
    public string Label() => VersionLabel.Of(ReleaseLabel, Origin?.Ref, Origin?.Commit);

    /// <summary>The same without the commit ("feature/x = v1.2"), for sentences that add "(generation N)".</summary>
    public string Name() => VersionLabel.Of(ReleaseLabel, Origin?.Ref);

    private string ReleaseLabel => Version.Label();

    /// <summary><c>list-generations --json</c>: the generations as the daemon's <c>GET /v1/generations</c> gives them, indented.</summary>
    public static string Serialize(IEnumerable<GenerationInfo> generations, StoreDirectory storeDir)
    {
        var options = new JsonSerializerOptions(new DaemonJson(storeDir).Options) { WriteIndented = true };
        return JsonSerializer.Serialize([.. generations.Select(From)], (JsonTypeInfo<List<GenerationJson>>)options.GetTypeInfo(typeof(List<GenerationJson>)));
    }
}

/// <summary>The ref the operator chose when an update installed the generation, and the full commit it resolved to.</summary>
public sealed record OriginJson(string Ref, string Commit);
