using QiTech.Os.Errors;
using QiTech.Os.Updates;

namespace QiTech.Os.Tests.Sources;

public sealed class FreeSpaceCheckTests
{
    [Fact]
    public void An_update_needing_more_than_the_disk_has_is_refused_with_the_figures()
    {
        var free = new DriveInfo(Path.GetTempPath()).AvailableFreeSpace;

        var e = Assert.Throws<QiTechOsException>(() => FreeSpaceCheck.Ensure(Path.GetTempPath(), free + (1L << 40)));

        Assert.Contains($"{free >> 20} MiB free", e.Message);
        Assert.Contains($"about {(free + (1L << 40)) >> 20} MiB needed", e.Message);
    }

    [Fact]
    public void An_update_that_fits_passes() => FreeSpaceCheck.Ensure(Path.GetTempPath(), 1);
}
