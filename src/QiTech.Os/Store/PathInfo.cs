using QiTech.Os.Nix;

namespace QiTech.Os.Store;

/// <summary>What the store knows of one valid path (Nix's ValidPathInfo).</summary>
public sealed record PathInfo(
    StorePath Path,
    Sha256Digest NarHash,
    long NarSize,
    IReadOnlyList<StorePath> References,
    StorePath? Deriver,
    DateTimeOffset RegistrationTime,
    IReadOnlyList<string> Signatures,
    string? ContentAddress);
