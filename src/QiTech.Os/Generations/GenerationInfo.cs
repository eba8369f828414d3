using QiTech.Os.Nix;
using QiTech.Os.Sources;

namespace QiTech.Os.Generations;

/// <summary>
/// One generation as users see it in lists. <see cref="DiskCostBytes"/> is what deleting this
/// generation alone would free (the store paths no other generation or root holds); null when
/// it was not asked for. <see cref="Failure"/> is why the generation did not start correctly,
/// when it did not. <see cref="Origin"/> is the ref an update installed it from, when one did.
/// </summary>
public sealed record GenerationInfo(
    GenerationNumber Number,
    StorePath System,
    DateTimeOffset Created,
    VersionInfo Version,
    bool Current,
    bool Booted,
    bool BootDefault,
    bool KnownGood,
    long? DiskCostBytes,
    string? Failure = null,
    GenerationOrigin? Origin = null)
{
    /// <summary>What the operator knows it by: "feature/x = v1.2 (abc1234)" when an update recorded its ref, else its version's label.</summary>
    public string Label => VersionLabel.Of(Version.Label(), Origin?.Ref.Name, Origin?.Commit.Hex);

    /// <summary>The same without the commit ("feature/x = v1.2"), for sentences that add "(generation N)".</summary>
    public string Name => VersionLabel.Of(Version.Label(), Origin?.Ref.Name);
}
