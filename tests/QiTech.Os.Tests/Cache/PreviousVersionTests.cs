using QiTech.Os.Cache;
using QiTech.Os.Nix;

namespace QiTech.Os.Tests.Cache;

/// <summary>A push finds the version before it by the name without its version, split as Nix splits a derivation's name.</summary>
public sealed class PreviousVersionTests
{
    [Theory]
    [InlineData("hello-2.12.1", "hello")]
    [InlineData("qitech-control-server", "qitech-control-server")]
    [InlineData("python3.11-requests-2.31.0", "python3.11-requests")]
    [InlineData("app-1.0", "app")]
    [InlineData("dotnet-runtime-8.0.11", "dotnet-runtime")]
    [InlineData("foo-", "foo-")]
    [InlineData("x-_y", "x")]
    public void The_name_without_its_version_is_Nix_s_split(string name, string expected) =>
        Assert.Equal(expected, PreviousVersion.NameWithoutVersion(name));

    [Fact]
    public void Two_versions_of_a_name_share_their_pointer_and_other_names_do_not()
    {
        var hash = new byte[20];
        Assert.Equal(PreviousVersion.FileName(StorePath.FromParts(hash, "app-1.0")), PreviousVersion.FileName(StorePath.FromParts(hash, "app-1.1")));
        Assert.NotEqual(PreviousVersion.FileName(StorePath.FromParts(hash, "app-1.0")), PreviousVersion.FileName(StorePath.FromParts(hash, "apps-1.0")));
        Assert.Matches("^qitech/latest/[0-9a-z]{52}$", PreviousVersion.FileName(StorePath.FromParts(hash, "app-1.0")));
    }
}
