using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Sources;

/// <summary>
/// A private remote that wants a token: the token reaches git, and it shows up in no URL,
/// output, error or mirror configuration.
/// </summary>
public sealed class AccessTokenTests : IDisposable
{
    private const string Token = "qt_s3cret_0123456789abcdef";
    private readonly TempDir _temp = new("qitech-token");
    private readonly AuthGitHttpServer _server;
    private readonly GitFixture _repo;

    public AccessTokenTests()
    {
        _repo = new GitFixture(_temp.Combine("srv", "machine.git"));
        _server = new AuthGitHttpServer(_temp.Combine("srv"), Token);
    }

    private string Root => _temp.Combine("root");

    private string Url => _server.BaseUrl + "machine.git";

    private ProcessRunner.Result Cli(string[] args, string? stdin = null) =>
        OurCli.Run(["--root", Root, .. args], stdin == null ? null : System.Text.Encoding.UTF8.GetBytes(stdin));

    [Fact]
    public void Without_a_token_the_remote_refuses_with_a_clear_message()
    {
        var r = Cli(["update", "targets", "--source", Url]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("authentication failed", r.Stderr);
        Assert.True(_server.Unauthorized > 0);
    }

    [Fact]
    public void A_wrong_token_fails_without_showing_the_token()
    {
        const string wrong = "qt_wrong_9876543210";
        Assert.Equal(0, Cli(["update", "token", "set"], wrong + "\n").ExitCode);

        var r = Cli(["update", "targets", "--source", Url]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("authentication failed", r.Stderr);
        Assert.DoesNotContain(wrong, r.Stderr + r.StdoutText);
    }

    [Fact]
    public void The_stored_token_opens_the_remote_and_appears_nowhere_but_its_file()
    {
        var set = Cli(["update", "token", "set"], Token + "\n");
        Assert.Equal(0, set.ExitCode);
        var tokenFile = Path.Combine(Root, "var/lib/qitech/update-token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));

        var targets = Cli(["update", "targets", "--source", Url]);
        var changelog = Cli(["update", "changelog", "main", "--source", Url]);

        Assert.True(targets.ExitCode == 0, targets.Stderr);
        Assert.Contains("tag\tv1.1", targets.StdoutText);
        Assert.Equal(0, changelog.ExitCode);
        var everything = set.StdoutText + set.Stderr + targets.StdoutText + targets.Stderr + changelog.StdoutText + changelog.Stderr;
        Assert.DoesNotContain(Token, everything);
        Assert.DoesNotContain(_server.RequestLines, line => line.Contains(Token));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "var/lib/qitech/mirrors"), "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/objects/")))
        {
            Assert.DoesNotContain(Token, File.ReadAllText(file));
        }
    }

    [Fact]
    public void A_cleared_token_no_longer_opens_the_remote()
    {
        Assert.Equal(0, Cli(["update", "token", "set"], Token).ExitCode);
        Assert.Equal(0, Cli(["update", "targets", "--source", Url]).ExitCode);

        Assert.Equal(0, Cli(["update", "token", "clear"]).ExitCode);
        var r = Cli(["update", "targets", "--source", Url]);

        Assert.False(File.Exists(Path.Combine(Root, "var/lib/qitech/update-token")));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("authentication failed", r.Stderr);
    }

    public void Dispose()
    {
        _server.Dispose();
        _temp.Dispose();
    }
}
