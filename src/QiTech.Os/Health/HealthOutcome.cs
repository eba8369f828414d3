namespace QiTech.Os.Health;

/// <summary>
/// How a health wait ended: every unit's result, in the order shown. Units not waited for
/// to the end (another failed first, or the wait was cancelled) are left out.
/// </summary>
public sealed record HealthOutcome(IReadOnlyList<UnitHealth> Units, bool Cancelled)
{
    public static readonly HealthOutcome Nothing = new([], false);

    public UnitHealth? Failure => Units.FirstOrDefault(u => !u.Passed);

    public bool Passed => !Cancelled && Failure == null;
}
