using QiTech.Os.Nix;
using QiTech.Os.Sources;

namespace QiTech.Os.Generations;

/// <summary>
/// One generation as users see it in lists. <see cref="DiskCostBytes"/> is what deleting this
/// generation alone would free (the store paths no other generation or root holds); null when
/// it was not asked for. <see cref="Failure"/> is why the generation did not start correctly,
/// when it did not.
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
    string? Failure = null);
