using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Sources;

/// <summary>
/// A private remote over https that wants a token: the token reaches git for that host only,
/// and shows up in no URL, output, error or mirror configuration. Another host — another port
/// included, or a host the remote redirects to — never receives it, and plain http never does.
/// </summary>
public sealed class AccessTokenTests : IDisposable
{
    private const string Token = "qt_s3cret_0123456789abcdef";
    private readonly TempDir _temp = new("qitech-token");
    private readonly AuthGitHttpServer _server;
    private readonly TlsFront _https;
    private readonly GitFixture _repo;

    public AccessTokenTests()
    {
        _repo = new GitFixture(_temp.Combine("srv", "machine.git"));
        _server = new AuthGitHttpServer(_temp.Combine("srv"), Token);
        _https = new TlsFront(_temp.Combine("ca.pem"), _server.BaseUrl);
    }

    private string Root => _temp.Combine("root");

    private string Url => _https.BaseUrl + "machine.git";

    private string TokenFile => Path.Combine(Root, "var/lib/qitech/update-token");

    private QiTech.Os.Platform.ProcessResult Cli(string[] args, string? stdin = null) =>
        OurCli.Run(["--root", Root, .. args], stdin == null ? null : System.Text.Encoding.UTF8.GetBytes(stdin), _https.GitEnvironment);

    /// <summary>A second https remote serving the same repository and accepting the same token, on another port.</summary>
    private (AuthGitHttpServer Server, TlsFront Https) OtherHost()
    {
        var server = new AuthGitHttpServer(_temp.Combine("srv"), Token);
        return (server, new TlsFront(_https.CaFile, server.BaseUrl));
    }

    private static bool CarriesToken(string authorization) =>
        authorization.StartsWith("Basic ", StringComparison.Ordinal)
        && System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..])).Contains(Token, StringComparison.Ordinal);

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
        Assert.Equal(0, Cli(["update", "token", "set", "--source", Url], wrong + "\n").ExitCode);

        var r = Cli(["update", "targets", "--source", Url]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("authentication failed", r.Stderr);
        Assert.DoesNotContain(wrong, r.Stderr + r.StdoutText);
    }

    [Fact]
    public void The_stored_token_opens_the_remote_and_appears_nowhere_but_its_file()
    {
        var set = Cli(["update", "token", "set", "--source", Url], Token + "\n");
        Assert.Equal(0, set.ExitCode);
        Assert.Equal($"access token stored for {_https.BaseUrl.TrimEnd('/')}\n", set.StdoutText);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TokenFile));

        var targets = Cli(["update", "targets", "--source", Url]);
        var changelog = Cli(["update", "changelog", "main", "--source", Url]);

        Assert.True(targets.ExitCode == 0, targets.Stderr);
        Assert.Contains("tag\tv1.1", targets.StdoutText);
        Assert.Equal(0, changelog.ExitCode);
        Assert.Contains(_server.Authorizations, CarriesToken);
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
        Assert.Equal(0, Cli(["update", "token", "set", "--source", Url], Token).ExitCode);
        Assert.Equal(0, Cli(["update", "targets", "--source", Url]).ExitCode);

        Assert.Equal(0, Cli(["update", "token", "clear"]).ExitCode);
        var r = Cli(["update", "targets", "--source", Url]);

        Assert.False(File.Exists(TokenFile));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("authentication failed", r.Stderr);
    }

    [Fact]
    public void A_token_is_never_set_for_plain_http_or_for_a_source_without_a_host()
    {
        var http = Cli(["update", "token", "set", "--source", _server.BaseUrl + "machine.git"], Token);
        var local = Cli(["update", "token", "set", "--source", _repo.Path], Token);

        Assert.Equal(2, http.ExitCode);
        Assert.Equal($"error: source '{_server.BaseUrl}machine.git': a token is never sent over plain http; use the source's https:// URL\n", http.Stderr);
        Assert.Equal(2, local.ExitCode);
        Assert.Equal($"error: source '{_repo.Path}': a token is only used with an https:// source; this one needs none\n", local.Stderr);
        Assert.False(File.Exists(TokenFile));
        Assert.DoesNotContain(Token, http.Stderr + local.Stderr);
    }

    [Fact]
    public void The_token_is_not_sent_to_another_host_even_one_that_would_accept_it()
    {
        var (otherServer, otherHttps) = OtherHost();
        using (otherServer)
        using (otherHttps)
        {
            Assert.Equal(0, Cli(["update", "token", "set", "--source", Url], Token).ExitCode);

            var elsewhere = Cli(["update", "targets", "--source", otherHttps.BaseUrl + "machine.git"]);
            var overHttp = Cli(["update", "targets", "--source", _server.BaseUrl + "machine.git"]);
            var own = Cli(["update", "targets", "--source", Url]);

            Assert.Equal(1, elsewhere.ExitCode);
            Assert.Contains("authentication failed", elsewhere.Stderr);
            Assert.True(otherServer.Unauthorized > 0);
            Assert.DoesNotContain(otherServer.Authorizations, CarriesToken);
            Assert.Equal(1, overHttp.ExitCode);
            Assert.True(own.ExitCode == 0, own.Stderr);
            // Only the https requests to its own host carried it; the plain http ones did not.
            Assert.Contains(_server.Authorizations, CarriesToken);
            Assert.Equal(_server.Authorizations.Count(CarriesToken), _server.Authorizations.Count);
        }
    }

    [Fact]
    public void A_redirect_to_another_host_gets_no_token()
    {
        var (otherServer, otherHttps) = OtherHost();
        using (otherServer)
        using (otherHttps)
        {
            Assert.Equal(0, Cli(["update", "token", "set", "--source", Url], Token).ExitCode);
            _server.RedirectTo = otherHttps.BaseUrl;

            var r = Cli(["update", "targets", "--source", Url]);

            Assert.Equal(1, r.ExitCode);
            Assert.True(otherServer.RequestLines.Count > 0, "git did not follow the redirect");
            Assert.DoesNotContain(otherServer.Authorizations, CarriesToken);
            Assert.DoesNotContain(Token, r.Stderr + r.StdoutText);
        }
    }

    public void Dispose()
    {
        _https.Dispose();
        _server.Dispose();
        _temp.Dispose();
    }
}
