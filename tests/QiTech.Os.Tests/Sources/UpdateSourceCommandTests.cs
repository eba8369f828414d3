using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Sources;

/// <summary><c>qitech-os update source</c> without a daemon: checked with git first; what git cannot reach is refused and nothing is saved.</summary>
public sealed class UpdateSourceCommandTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-source-cli");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_reachable_repository_is_stored_and_an_unreachable_one_refused_with_git_s_reason()
    {
        var root = _temp.Combine("root");
        Directory.CreateDirectory(root);
        var repo = new GitFixture(_temp.Combine("machine"));
        var stored = _temp.Combine("root", "var", "lib", "qitech", "update-source");

        var set = OurCli.Run("--root", root, "update", "source", repo.Path);
        var offline = OurCli.Run("--root", root, "update", "source", "https://127.0.0.1:1/machine.git");
        var shown = OurCli.Run("--root", root, "update", "source");

        Assert.True(set.ExitCode == 0, set.Stderr);
        Assert.Equal($"update source stored: {repo.Path}\n", set.StdoutText);
        Assert.Equal(2, offline.ExitCode);
        Assert.StartsWith("error: url: update source https://127.0.0.1:1/machine.git: cannot reach the remote: ", offline.Stderr);
        Assert.EndsWith("; nothing was saved\n", offline.Stderr);
        Assert.Equal(repo.Path + "\n", File.ReadAllText(stored));
        Assert.Equal(repo.Path + "\n", shown.StdoutText);
    }
}
