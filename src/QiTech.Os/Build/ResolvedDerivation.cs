using QiTech.Os.Nix;

namespace QiTech.Os.Build;

/// <summary>A derivation with its output paths known, its ATerm text and the builder's environment.</summary>
public sealed record ResolvedDerivation(
    Derivation Derivation,
    IReadOnlyDictionary<string, StorePath> Outputs,
    string ATerm,
    IReadOnlyDictionary<string, string> BuilderEnv)
{
    public StorePath Out => Outputs["out"];
}
