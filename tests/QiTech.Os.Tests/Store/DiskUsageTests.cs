using QiTech.Os.Platform;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Store;

public sealed class DiskUsageTests
{
    [Fact]
    public void Counts_files_whose_names_are_not_utf8_as_du_does()
    {
        using var dir = new TempDir();
        var sub = dir.Combine("tree", "sub");
        Directory.CreateDirectory(sub);
        File.WriteAllBytes(dir.Combine("tree", "plain"), new byte[70_000]);
        var fd = Posix.Open(Posix.AtFdCwd, Posix.Z(sub), Posix.ORdOnly | Posix.ODirectory, 0, sub);
        try
        {
            // 0xFF never appears in UTF-8: .NET would turn this name into U+FFFD and lose the file.
            var file = Posix.Open(fd, Posix.Z([0x66, 0xFF, 0xFE]), Posix.OWrOnly | Posix.OCreat | Posix.OExcl, Posix.Mode0600, sub);
            using var handle = Posix.Handle(file);
            using var stream = new FileStream(handle, FileAccess.Write);
            stream.Write(new byte[300_000]);
        }
        finally
        {
            Posix.close(fd);
        }

        var du = HostProgram.Run("du", ["-s", "-B1", dir.Combine("tree")]);
        var expected = long.Parse(du.StdoutText.Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(expected > 370_000, $"du saw {expected} bytes");
        Assert.Equal(expected, DiskUsage.Of(dir.Combine("tree")));
    }

    [Fact]
    public void A_file_linked_from_two_other_names_frees_nothing()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("a"));
        File.WriteAllBytes(dir.Combine("a", "shared"), new byte[200_000]);
        File.CreateSymbolicLink(dir.Combine("unused"), "x");
        Assert.True(Posix.LinkAt(Posix.AtFdCwd, Posix.Z(dir.Combine("a", "shared")), Posix.AtFdCwd, Posix.Z(dir.Combine("link1"))));
        Assert.True(Posix.LinkAt(Posix.AtFdCwd, Posix.Z(dir.Combine("a", "shared")), Posix.AtFdCwd, Posix.Z(dir.Combine("link2"))));

        var directoryOnly = Posix.Stat(dir.Combine("a")).Blocks * 512;
        Assert.Equal((long)directoryOnly, DiskUsage.Of(dir.Combine("a")));
    }
}
