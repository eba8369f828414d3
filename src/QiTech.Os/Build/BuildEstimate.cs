namespace QiTech.Os.Build;

/// <summary>
/// What a package set built one package after the other still needs, from the last build of
/// each package (<see cref="TimeSpan.Zero"/>: already built, null: never built before). An
/// estimate is given only while it can be honest: a package that has no last build, or has
/// already taken longer than its last build, has none ("estimating"), and neither has the
/// whole set then; the share done never moves backwards.
/// </summary>
public sealed class BuildEstimate(IReadOnlyList<TimeSpan?> lastBuilds)
{
    // A package past its estimate stays just short of done until it really is.
    private const double MaxShareOfRunningPackage = 0.95;

    public int Count => lastBuilds.Count;

    /// <summary>What package <paramref name="index"/> still needs after <paramref name="elapsed"/>; null when unknown.</summary>
    public TimeSpan? PackageLeft(int index, TimeSpan elapsed) =>
        lastBuilds[index] is { } last && last > elapsed ? last - elapsed : null;

    /// <summary>What the package in hand and every later one still need; null when any of them is unknown.</summary>
    public TimeSpan? TotalLeft(int index, TimeSpan elapsed)
    {
        if (PackageLeft(index, elapsed) is not { } left)
        {
            return null;
        }
        for (var i = index + 1; i < lastBuilds.Count; i++)
        {
            if (lastBuilds[i] is not { } later)
            {
                return null;
            }
            left += later;
        }
        return left;
    }

    /// <summary>The share of the set done, 0–100: finished packages whole, the one in hand by its elapsed share of its last build.</summary>
    public int Percent(int index, TimeSpan elapsed)
    {
        var share = lastBuilds[index] is { } last && last > TimeSpan.Zero ? Math.Min(elapsed / last, MaxShareOfRunningPackage) : 0;
        return (int)((index + share) * 100 / lastBuilds.Count);
    }
}
