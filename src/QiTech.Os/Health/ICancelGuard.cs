namespace QiTech.Os.Health;

/// <summary>
/// Where an operation says that a cancel can no longer take effect (an activation flipping
/// pointers and restarting units), so a cancel is refused with the reason instead of being
/// taken and silently ignored, and when it can again (the health wait, which a cancel rolls back).
/// </summary>
public interface ICancelGuard
{
    /// <summary>
    /// From now on a cancel is refused with <paramref name="reason"/> (one line). False when a
    /// cancel was taken before: nothing is refused then, and the caller stops as cancelled.
    /// </summary>
    bool RefuseCancel(string reason);

    /// <summary>From now on a cancel is taken again.</summary>
    void AllowCancel();
}
