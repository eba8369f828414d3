using FsCheck.Xunit;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Store;

/// <summary>With --store-dir /nix/store our add prints exactly what nix-store --add prints.</summary>
public sealed class StoreAddOracleTests
{
    [Property(MaxTest = 15)]
    public void Store_add_prints_the_path_nix_store_add_prints(int seed)
    {
        using var dir = new TempDir();
        var root = RandomTree.Create(dir.Combine("tree"), seed, rawNames: false);
        var nix = NixOracle.Store("--add", root);
        Assert.True(nix.ExitCode == 0, nix.Stderr);

        var ours = OurCli.Run("--root", dir.Combine("root"), "--store-dir", "/nix/store", "store", "add", root);

        Assert.True(ours.ExitCode == 0, ours.Stderr);
        Assert.Equal(nix.StdoutText.Trim(), ours.StdoutText.Trim().Split('\n').Last());
    }

    [Fact]
    public void Store_add_of_a_single_file_and_a_symlink_match_nix()
    {
        using var dir = new TempDir();
        var file = dir.Combine("hello.txt");
        File.WriteAllText(file, "hello world\n");
        var link = dir.Combine("link");
        File.CreateSymbolicLink(link, "/some/target");
        foreach (var path in new[] { file, link })
        {
            var ours = OurCli.Run("--root", dir.Combine("root"), "--store-dir", "/nix/store", "store", "add", path);
            Assert.Equal(NixOracle.Store("--add", path).StdoutText.Trim(), ours.StdoutText.Trim());
        }
    }
}
