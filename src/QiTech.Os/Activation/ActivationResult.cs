using QiTech.Os.Generations;
using QiTech.Os.Nix;

namespace QiTech.Os.Activation;

/// <summary>
/// What an activation did. <see cref="ServicesManaged"/> is false when no service manager was
/// at hand (an embedded root with no daemon running): pointers flipped, services start when
/// the daemon boots the root.
/// </summary>
public sealed record ActivationResult(
    ActivationMode Mode,
    StorePath System,
    GenerationNumber? Generation,
    ActivationPlan Plan,
    bool ServicesManaged,
    IReadOnlyList<UnitFailure> Failures,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<GenerationNumber> Pruned)
{
    public bool Succeeded => Failures.Count == 0;
}
