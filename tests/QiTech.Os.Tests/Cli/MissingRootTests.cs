using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Cli;

/// <summary>
/// A <c>--root</c> that names no folder: commands that keep state make the root (as a first
/// <c>store add</c> does); a new update source, checked by git run there, refuses it as bad input, changing nothing.
/// </summary>
public sealed class MissingRootTests : IDisposable
{
    private readonly TempDir _dir = new("qitech-missing-root");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_refuse_a_root_that_is_not_there_before_git_checks_a_new_source()
    {
        var root = _dir.Combine("no-such-root");

        // The host is never asked: the root is refused first.
        var result = OurCli.Run("--root", root, "update", "source", "https://example.invalid/x.git");

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.Equal($"error: root {root}: no such folder", Assert.Single(result.Stderr.Trim().Split('\n')));
        Assert.False(Path.Exists(root));
    }

    [Fact]
    public void Should_make_the_root_when_a_path_is_added_to_its_store()
    {
        var root = _dir.Combine("new-root");

        var result = OurCli.Run("--root", root, "store", "add", "/etc/hostname");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.StartsWith("/qitech/store/", result.StdoutText);
        Assert.True(Directory.Exists(Path.Combine(root, "qitech", "store")));
    }
}
