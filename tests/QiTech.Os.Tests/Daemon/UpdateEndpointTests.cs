using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Daemon;

/// <summary>The daemon's update source, token, targets and changelog over its socket, on a real git fixture.</summary>
public sealed class UpdateEndpointTests : IDisposable
{
    private readonly SystemRoot _root = new();
    private readonly TempDir _repo = new("qitech-repo");

    public void Dispose()
    {
        foreach (var pid in RootProcesses.Of(_root.Root))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        _root.Dispose();
        _repo.Dispose();
    }

    private string Curl(params string[] args) =>
        HostProgram.Run("curl", ["-s", "-w", "\n%{http_code}", "--unix-socket", _root.Layout.DaemonSocket, .. args]).StdoutText;

    private string Put(string path, string json) =>
        Curl("-X", "PUT", "-H", "content-type: application/json", "-d", json, "http://daemon" + path);

    [Fact]
    public void Should_set_the_source_list_targets_and_never_return_the_token()
    {
        var fixture = new GitFixture(_repo.Combine("machine"));
        using var daemon = DaemonProcess.Start(_root.Layout);

        var none = Curl("http://daemon/v1/update/targets");
        var set = Put("/v1/update/source", $"{{\"url\":\"{fixture.Path}\"}}");
        var bad = Put("/v1/update/source", "{\"url\":\"--upload-pack=touch /tmp/x\"}");
        var token = Put("/v1/update/token", "{\"token\":\"very-secret-token\"}");
        var source = Curl("http://daemon/v1/update/source");
        var targets = Curl("http://daemon/v1/update/targets");
        var changelog = Curl("http://daemon/v1/update/changelog?ref=v1.1");
        var badRef = Curl("http://daemon/v1/update/changelog?ref=-c");

        Assert.EndsWith("\n400", none);
        Assert.Contains("no update source", none);
        Assert.EndsWith("\n200", set);
        Assert.EndsWith("\n400", bad);
        Assert.Contains("url '--upload-pack", bad);
        // A local repository needs no token: none is stored for it.
        Assert.EndsWith("\n400", token);
        Assert.Contains("a token is only used with an https:// source; this one needs none", token);
        Assert.Contains("\"hasToken\":false", source);
        Assert.Contains($"\"name\":\"v1.0\",\"commit\":\"{fixture.Rev("v1.0")}\"", targets);
        Assert.Contains("\"kind\":\"tag\"", targets);
        Assert.Contains("server 1.1", changelog);
        Assert.EndsWith("\n400", badRef);
        Assert.DoesNotContain("very-secret-token", token + source + targets + changelog + daemon.Output);
    }

    [Fact]
    public void Should_keep_the_token_with_the_host_it_was_set_for()
    {
        const string secret = "qt_daemon_s3cret_5e1f";
        new GitFixture(_repo.Combine("srv", "machine.git"));
        new GitFixture(_repo.Combine("srv", "other.git"));
        using var serverA = new AuthGitHttpServer(_repo.Combine("srv"), secret);
        using var httpsA = new TlsFront(_repo.Combine("ca.pem"), serverA.BaseUrl);
        using var serverB = new AuthGitHttpServer(_repo.Combine("srv"), secret);
        using var httpsB = new TlsFront(httpsA.CaFile, serverB.BaseUrl);
        using var daemon = DaemonProcess.Start(_root.Layout, httpsA.GitEnvironment);
        var a = httpsA.BaseUrl + "machine.git";
        var b = httpsB.BaseUrl + "machine.git";

        var overHttp = Put("/v1/update/source", $"{{\"url\":\"{serverA.BaseUrl}machine.git\"}}");
        var refused = Put("/v1/update/token", $"{{\"token\":\"{secret}\"}}");
        var toA = Put("/v1/update/source", $"{{\"url\":\"{a}\"}}");
        var set = Put("/v1/update/token", $"{{\"token\":\"{secret}\"}}");
        var samePort = Put("/v1/update/source", $"{{\"url\":\"{httpsA.BaseUrl}other.git\"}}");
        var againA = Put("/v1/update/source", $"{{\"url\":\"{a}\"}}");
        var targetsA = Curl("http://daemon/v1/update/targets");
        var toB = Put("/v1/update/source", $"{{\"url\":\"{b}\"}}");
        var targetsB = Curl("http://daemon/v1/update/targets");

        Assert.EndsWith("\n200", overHttp);
        Assert.EndsWith("\n400", refused);
        Assert.Contains("a token is never sent over plain http; use the source's https:// URL", refused);
        Assert.EndsWith("\n200", toA);
        Assert.EndsWith("\n204", set);
        Assert.Contains("\"hasToken\":true,\"tokenCleared\":false", samePort);
        Assert.Contains("\"hasToken\":true,\"tokenCleared\":false", againA);
        Assert.EndsWith("\n200", targetsA);
        Assert.Contains(serverA.Authorizations, h => h.StartsWith("Basic ", StringComparison.Ordinal));
        // Another port is another host: the token is cleared, the answer says so, and B never sees it.
        Assert.Contains($"\"url\":\"{b}\",\"hasToken\":false,\"tokenCleared\":true", toB);
        Assert.Contains("\"hasToken\":false", Curl("http://daemon/v1/update/source"));
        Assert.Contains("authentication failed", targetsB);
        Assert.True(serverB.Unauthorized > 0);
        Assert.Empty(serverB.Authorizations);
        Assert.DoesNotContain(secret, toB + targetsA + targetsB + daemon.Output);
        Assert.EndsWith("\n204", Curl("-X", "DELETE", "http://daemon/v1/update/token"));
    }

    [Fact]
    public void Should_check_a_source_before_saving_it_and_give_git_s_whole_reason()
    {
        var fixture = new GitFixture(_repo.Combine("machine"));
        using var daemon = DaemonProcess.Start(_root.Layout);
        Assert.EndsWith("\n200", Put("/v1/update/source", $"{{\"url\":\"{fixture.Path}\"}}"));

        var notGit = Put("/v1/update/source", "{\"url\":\"file:///etc/passwd\"}");
        var source = Curl("http://daemon/v1/update/source");

        Assert.EndsWith("\n400", notGit);
        Assert.Contains("url: update source file:///etc/passwd: no git repository there: invalid gitfile format: /etc/passwd; nothing was saved", notGit);
        Assert.DoesNotContain("and the repository exists", notGit);
        Assert.Contains($"\"url\":\"{fixture.Path}\"", source);
        Assert.Contains("\"check\":null", Put("/v1/update/source", $"{{\"url\":\"{fixture.Path}\"}}"));

        // Nothing listens on port 1: refused with git's reason, and the stored source stays.
        var offline = Put("/v1/update/source", "{\"url\":\"https://127.0.0.1:1/machine.git\"}");
        Assert.EndsWith("\n400", offline);
        Assert.Contains("url: update source https://127.0.0.1:1/machine.git: cannot reach the remote: ", offline);
        Assert.Contains("127.0.0.1", offline[offline.IndexOf("cannot reach the remote: ", StringComparison.Ordinal)..]);
        Assert.Contains("; nothing was saved", offline);
        Assert.Equal(fixture.Path + "\n", File.ReadAllText(QiTech.Os.Sources.SourceSettings.OverrideFile(_root.Layout)));
    }

    [Fact]
    public void Should_list_more_commits_on_request_and_say_why_a_name_cannot_be_installed()
    {
        var fixture = new GitFixture(_repo.Combine("machine"));
        // git tag refuses such a name; a remote may still carry it.
        fixture.Git("update-ref", "refs/tags/-x", fixture.Rev("v1.1"));
        using var daemon = DaemonProcess.Start(_root.Layout);
        Put("/v1/update/source", $"{{\"url\":\"{fixture.Path}\"}}");

        var one = Curl("http://daemon/v1/update/targets?commits=1");
        var all = Curl("http://daemon/v1/update/targets?commits=10000");
        var tooMany = Curl("http://daemon/v1/update/targets?commits=10001");
        var older = Curl($"http://daemon/v1/update/changelog?ref={fixture.Rev("v1.0")[..9]}");

        Assert.Equal(1, one.Split("\"kind\":\"commit\"").Length - 1);
        Assert.True(all.Split("\"kind\":\"commit\"").Length - 1 > 1, all);
        Assert.Contains("\"name\":\"-x\"", all);
        Assert.Contains("\"refusal\":\"'-x' starts with '-' (looks like an option)\"", all);
        Assert.Contains("\"name\":\"v1.0\",", all);
        Assert.EndsWith("\n400", tooMany);
        Assert.Contains($"\"commit\":\"{fixture.Rev("v1.0")}\"", older);
    }
}
