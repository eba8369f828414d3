using QiTech.Os.Nix;

namespace QiTech.Os.Build;

/// <summary>
/// A built (or already valid) derivation. <see cref="Built"/> is false when the outputs were
/// valid and nothing ran; <see cref="LogPath"/> then names the log of the build that made them.
/// </summary>
public sealed record BuildResult(ResolvedDerivation Derivation, StorePath DerivationPath, bool Built, string LogPath, Sha256Digest NarHash)
{
    public StorePath Out => Derivation.Out;
}
