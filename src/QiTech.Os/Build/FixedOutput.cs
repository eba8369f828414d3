using QiTech.Os.Nix;

namespace QiTech.Os.Build;

/// <summary>
/// The pinned hash of a fixed-output derivation (a fetch): of the NAR of the output when
/// <see cref="Recursive"/>, else of the single output file. Only such builds may use the network.
/// </summary>
public sealed record FixedOutput(Sha256Digest Hash, bool Recursive)
{
    /// <summary>Nix's hashAlgo field: <c>r:sha256</c> or <c>sha256</c>.</summary>
    public string Algorithm => Recursive ? "r:sha256" : "sha256";
}
