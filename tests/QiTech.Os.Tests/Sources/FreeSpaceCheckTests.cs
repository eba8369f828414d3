using System.Globalization;
using System.Text.RegularExpressions;
using QiTech.Os.Errors;
using QiTech.Os.Updates;

namespace QiTech.Os.Tests.Sources;

public sealed class FreeSpaceCheckTests
{
    [Fact]
    public void An_update_needing_more_than_the_disk_has_is_refused_with_the_figures()
    {
        // Other programs write to the same disk, so the free space the check reads is only
        // known to lie between two readings taken around it.
        var needed = 1L << 50;
        var before = new DriveInfo(Path.GetTempPath()).AvailableFreeSpace >> 20;

        var e = Assert.Throws<QiTechOsException>(() => FreeSpaceCheck.Ensure(Path.GetTempPath(), needed));

        var after = new DriveInfo(Path.GetTempPath()).AvailableFreeSpace >> 20;
        var free = Regex.Match(e.Message, @": (\d+) MiB free, ");
        Assert.True(free.Success, e.Message);
        Assert.InRange(long.Parse(free.Groups[1].Value, CultureInfo.InvariantCulture), Math.Min(before, after), Math.Max(before, after));
        Assert.Contains($"about {needed >> 20} MiB needed (including a 512 MiB margin)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_update_that_fits_passes() => FreeSpaceCheck.Ensure(Path.GetTempPath(), 1);
}
