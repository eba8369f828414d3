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
        ProcessRunner.Run("curl", ["-s", "-w", "\n%{http_code}", "--unix-socket", _root.Layout.DaemonSocket, .. args]).StdoutText;

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
        Assert.EndsWith("\n204", token);
        Assert.Contains("\"hasToken\":true", source);
        Assert.Contains($"\"name\":\"v1.0\",\"commit\":\"{fixture.Rev("v1.0")}\"", targets);
        Assert.Contains("\"kind\":\"tag\"", targets);
        Assert.Contains("server 1.1", changelog);
        Assert.EndsWith("\n400", badRef);
        Assert.DoesNotContain("very-secret-token", source + targets + changelog + daemon.Output);
        Assert.EndsWith("\n204", Curl("-X", "DELETE", "http://daemon/v1/update/token"));
        Assert.Contains("\"hasToken\":false", Curl("http://daemon/v1/update/source"));
    }
}
