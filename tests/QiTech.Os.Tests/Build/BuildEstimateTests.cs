using QiTech.Os.Build;

namespace QiTech.Os.Tests.Build;

/// <summary>The time left and share done of packages built one after the other, from their last builds.</summary>
public sealed class BuildEstimateTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Two_known_packages_count_down_through_both()
    {
        var estimate = new BuildEstimate([S(60), S(120)]);

        Assert.Equal(S(50), estimate.PackageLeft(0, S(10)));
        Assert.Equal(S(170), estimate.TotalLeft(0, S(10)));
        Assert.Equal(S(90), estimate.PackageLeft(1, S(30)));
        Assert.Equal(S(90), estimate.TotalLeft(1, S(30)));
    }

    [Fact]
    public void A_package_slower_than_its_last_build_is_estimating_not_zero_and_its_share_stops_short_of_done()
    {
        var estimate = new BuildEstimate([S(60), S(120)]);

        Assert.Null(estimate.PackageLeft(1, S(120)));
        Assert.Null(estimate.TotalLeft(1, S(300)));
        Assert.Equal(97, estimate.Percent(1, S(300)));
        Assert.Equal(97, estimate.Percent(1, S(3000)));
    }

    [Fact]
    public void A_package_never_built_before_has_no_estimate_and_neither_has_the_set_before_it()
    {
        var estimate = new BuildEstimate([S(60), null]);

        Assert.Equal(S(30), estimate.PackageLeft(0, S(30)));
        Assert.Null(estimate.TotalLeft(0, S(30)));
        Assert.Null(estimate.PackageLeft(1, S(5)));
        Assert.Equal(50, estimate.Percent(1, S(500)));
    }

    [Fact]
    public void The_share_done_never_moves_backwards_across_packages()
    {
        var estimate = new BuildEstimate([S(10), TimeSpan.Zero, null, S(40)]);
        var seen = new List<int>();
        for (var index = 0; index < estimate.Count; index++)
        {
            foreach (var elapsed in new[] { 0, 1, 5, 9, 10, 20, 39, 40, 400 })
            {
                seen.Add(estimate.Percent(index, S(elapsed)));
            }
        }

        Assert.Equal(seen.Order(), seen);
        Assert.InRange(seen[^1], 95, 99);
    }
}
