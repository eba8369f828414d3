using QiTech.Os.Sources;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Sources;

/// <summary>git runs hardened however it is started: no caller's git settings, no config but the repository's, plain transports only.</summary>
public sealed class GitRunnerTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-git-runner");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("GIT_DIR", false)]
    [InlineData("GIT_CONFIG_PARAMETERS", false)]
    [InlineData("GIT_CONFIG_COUNT", false)]
    [InlineData("GIT_EXEC_PATH", false)]
    [InlineData("SSH_ASKPASS", false)]
    [InlineData(GitRunner.TokenVariable, false)]
    [InlineData(GitRunner.HostVariable, false)]
    [InlineData("GIT_SSL_CAINFO", true)]
    [InlineData("GIT_SSL_CAPATH", true)]
    [InlineData("PATH", true)]
    [InlineData("HOME", true)]
    public void Only_harmless_variables_of_the_caller_reach_git(string name, bool kept)
    {
        var command = GitRunner.Local.Command(["status"], _temp.Path);

        Assert.Equal(kept, command.Inherit!(name));
    }

    [Fact]
    public void Git_reads_no_system_or_user_configuration()
    {
        GitRepo.Run(_temp.Path, "init", "-q");

        var listed = GitRunner.Local.Run(["config", "--list", "--show-origin"], _temp.Path, CancellationToken.None);

        Assert.True(listed.Ok, listed.Stderr);
        var origins = listed.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')[0]).Distinct().ToList();
        Assert.Equal(["file:.git/config"], origins);
    }

    [Fact]
    public async Task A_transport_helper_is_refused_by_git_itself()
    {
        var marker = _temp.Combine("pwned");

        var result = await GitRunner.Local.RunAsync(["ls-remote", $"ext::sh -c touch% {marker}"], CancellationToken.None, _temp.Path);

        Assert.False(result.Ok);
        Assert.Contains("transport 'ext' not allowed", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }
}
