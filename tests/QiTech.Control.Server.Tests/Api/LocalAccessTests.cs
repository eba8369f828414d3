using System.Net;
using System.Net.Http.Json;
using QiTech.Control.Server.Api;
using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Activation;
using QiTech.Os.Contract;

namespace QiTech.Control.Server.Tests.Api;

/// <summary>The kiosk (loopback) needs no login, but its browser must not be usable by other sites.</summary>
public sealed class LocalAccessTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync(remote: false);

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task The_kiosk_reads_without_login_and_changes_with_a_csrf_token()
    {
        var client = host.Client();

        var status = await client.GetFromJsonAsync<StatusJson>("/api/status", ServerJson.Options);
        Assert.Equal(3, status!.Current!.Number.Value);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/update/install", new InstallUpdateRequest("v1.3.0", ActivationMode.Switch), ServerJson.Options)).StatusCode);
        Assert.DoesNotContain(host.Daemon.Calls, c => c.StartsWith("install", StringComparison.Ordinal));

        await client.WithCsrfTokenAsync();
        var started = await client.PostAsJsonAsync("/api/update/install", new InstallUpdateRequest("v1.3.0", ActivationMode.Test), ServerJson.Options);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("/api/jobs/7", started.Headers.Location!.ToString());
        Assert.Equal(7, (await started.Content.ReadFromJsonAsync<JobStartedJson>(ServerJson.Options))!.JobId);
        Assert.Contains("install v1.3.0 Test", host.Daemon.Calls);
    }

    [Fact]
    public async Task A_request_from_another_site_is_refused_even_with_a_token()
    {
        var client = await host.Client().WithCsrfTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reboot");
        request.Headers.Add("Origin", "http://evil.example");

        var answer = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.DoesNotContain("reboot", host.Daemon.Calls);
    }

    [Fact]
    public async Task A_foreign_host_name_is_refused()
    {
        var client = host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        request.Headers.Host = "rebound.example";

        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Daemon_problems_pass_through_as_problem_details()
    {
        var client = await host.Client().WithCsrfTokenAsync();
        host.Daemon.StartFailure = new QiTech.Os.Client.DaemonException(409, "job 5 (update) is running", 5, "busy");

        var answer = await client.PostAsJsonAsync("/api/update/install", new InstallUpdateRequest("v1.3.0", ActivationMode.Switch), ServerJson.Options);

        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        var problem = await answer.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("job 5 (update) is running", problem.GetProperty("detail").GetString());
        Assert.Equal(5, problem.GetProperty("jobId").GetInt64());
    }

    [Fact]
    public async Task Bad_input_is_refused_before_it_reaches_the_daemon()
    {
        var client = await host.Client().WithCsrfTokenAsync();

        var optionLike = await client.PostAsJsonAsync("/api/update/install", new InstallUpdateRequest("--upload-pack=touch /tmp/x", ActivationMode.Switch), ServerJson.Options);
        var badUnit = await client.PostAsync("/api/services/..%2Fetc/restart", null);

        Assert.Equal(HttpStatusCode.BadRequest, optionLike.StatusCode);
        Assert.Contains("not a tag, branch or commit name", await optionLike.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, badUnit.StatusCode);
        Assert.DoesNotContain(host.Daemon.Calls, c => c.StartsWith("install", StringComparison.Ordinal) || c.StartsWith("restart", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_reports_readiness_and_version()
    {
        var client = host.Client();

        var ready = await client.GetFromJsonAsync<HealthReport>("/health");
        host.Daemon.Failure = new QiTech.Os.Client.DaemonUnavailableException("/run/qitech-os/daemon.sock", new IOException("refused"));
        var down = await client.GetAsync("/health");

        Assert.True(ready!.Ready);
        Assert.False(string.IsNullOrEmpty(ready.Version));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.False((await down.Content.ReadFromJsonAsync<HealthReport>())!.DaemonReachable);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_operations()
    {
        var document = await host.Client().GetStringAsync("/api/openapi/v1.json");

        foreach (var path in (string[])["/api/update/install", "/api/update/token", "/api/jobs/{id}/events", "/api/generations/{number}", "/api/rollback", "/health"])
        {
            Assert.Contains($"\"{path}\"", document);
        }
    }
}
