using FsCheck.Xunit;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Nar;

/// <summary>Random trees, checked against the real nix-store and nix-hash.</summary>
public sealed class NarPropertyTests
{
    [Property(MaxTest = 25)]
    public void Dump_equals_nix_store_dump_for_random_trees(int seed)
    {
        using var dir = new TempDir();
        var root = RandomTree.Create(dir.Combine("t"), seed);
        Assert.Equal(NixOracle.Dump(root), OurCli.Run("store", "dump", root).Stdout);
    }

    [Property(MaxTest = 15)]
    public void Restore_of_a_nix_dump_dumps_back_identically(int seed)
    {
        using var dir = new TempDir();
        var root = RandomTree.Create(dir.Combine("t"), seed);
        var nar = NixOracle.Dump(root);
        var dest = dir.Combine("r");
        var r = OurCli.Run(["store", "restore", dest], nar);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(nar, NixOracle.Dump(dest));
    }

    [Property(MaxTest = 15)]
    public void Hash_path_equals_nix_hash_for_random_trees(int seed)
    {
        using var dir = new TempDir();
        var root = RandomTree.Create(dir.Combine("t"), seed);
        Assert.Equal(NixOracle.Hash(root, base32: true), OurCli.Run("hash-path", "--base32", root).StdoutText.Trim());
    }
}
