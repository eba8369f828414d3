using QiTech.Os.Generations;
using QiTech.Os.Health;
using QiTech.Os.Nix;

namespace QiTech.Os.Activation;

/// <summary>
/// What an activation did. <see cref="ServicesManaged"/> is false when no service manager was
/// at hand (an embedded root with no daemon running): pointers flipped, services start when
/// the daemon boots the root. <see cref="Health"/> holds the new units' checks as they ended;
/// <see cref="Rollback"/> is set when the version did not start correctly.
/// </summary>
public sealed record ActivationResult(
    ActivationMode Mode,
    StorePath System,
    GenerationNumber? Generation,
    ActivationPlan Plan,
    bool ServicesManaged,
    IReadOnlyList<UnitFailure> Failures,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<GenerationNumber> Pruned,
    IReadOnlyList<UnitHealth>? Health = null,
    RollbackReport? Rollback = null)
{
    public IReadOnlyList<UnitHealth> Checks => Health ?? [];

    /// <summary>True when the activation was cancelled during its health wait (and rolled back).</summary>
    public bool Cancelled => Rollback?.Cancelled == true;

    public bool Succeeded => Failures.Count == 0 && Rollback == null && Checks.All(h => h.Passed);
}
