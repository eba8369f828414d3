using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Nar;

/// <summary>Our dump, restore and hash-path against nix-store and nix-hash on edge-case trees.</summary>
public sealed class NarOracleTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_dump_edge_case_tree_byte_identical_to_nix()
    {
        // Given
        var root = TreeBuilder.EdgeCases(_dir.Combine("tree"));

        // When
        var ours = OurCli.Run("store", "dump", root);

        // Then
        Assert.Equal(0, ours.ExitCode);
        Assert.Equal(NixOracle.Dump(root), ours.Stdout);
    }

    [Fact]
    public void Should_hash_path_like_nix_hash_in_every_notation()
    {
        var root = TreeBuilder.EdgeCases(_dir.Combine("tree"));
        Assert.Equal(NixOracle.Hash(root, base32: true), OurCli.Run("hash-path", "--base32", root).StdoutText.Trim());
        Assert.Equal(NixOracle.Hash(root, base32: false), OurCli.Run("hash-path", root).StdoutText.Trim());
        Assert.StartsWith("sha256-", OurCli.Run("hash-path", "--sri", root).StdoutText.Trim());
    }

    [Fact]
    public void Should_restore_what_nix_dumped_into_a_tree_nix_dumps_identically()
    {
        var root = TreeBuilder.EdgeCases(_dir.Combine("tree"));
        var nar = NixOracle.Dump(root);
        var dest = _dir.Combine("restored");

        var r = OurCli.Run(["store", "restore", dest], nar);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(nar, NixOracle.Dump(dest));
    }

    [Theory]
    [InlineData("single-file")]
    [InlineData("single-symlink")]
    [InlineData("empty-dir")]
    public void Should_dump_a_root_that_is_not_a_directory_like_nix(string kind)
    {
        var path = _dir.Combine(kind);
        switch (kind)
        {
            case "single-file":
                File.WriteAllText(path, "x");
                break;
            case "single-symlink":
                File.CreateSymbolicLink(path, "/does/not/exist");
                break;
            default:
                Directory.CreateDirectory(path);
                break;
        }
        Assert.Equal(NixOracle.Dump(path), OurCli.Run("store", "dump", path).Stdout);
    }
}
