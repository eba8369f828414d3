using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using QiTech.Control.Server.Tests.Support;

namespace QiTech.Control.Server.Tests.Api;

/// <summary>Remote peers must log in for everything but /health and the login form.</summary>
public sealed class RemoteAccessTests : IAsyncLifetime
{
    private const string RemotePeer = "192.0.2.10";
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync(remote: true);

    public async Task DisposeAsync() => await host.DisposeAsync();

    /// <summary>Every endpoint the server maps that changes something, with sample route values.</summary>
    private IEnumerable<(string Method, string Path)> MutatingEndpoints() =>
        host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Where(m => m is not "GET" and not "HEAD")
                .Select(m => (m, Sample(e.RoutePattern.RawText!))))
            .Where(e => e.Item2 != "/login")
            .Distinct();

    private static string Sample(string pattern) => "/" + pattern.TrimStart('/')
        .Replace("{number:int}", "2")
        .Replace("{id:long}", "7")
        .Replace("{unit}", "qitech-machine.service");

    [Fact]
    public async Task Every_mutating_endpoint_refuses_a_remote_peer_that_has_not_logged_in()
    {
        var client = host.Client(RemotePeer);
        var endpoints = MutatingEndpoints().ToList();
        Assert.Contains(("POST", "/api/update/install"), endpoints);
        Assert.Contains(("DELETE", "/api/generations/2"), endpoints);
        Assert.Contains(("PUT", "/api/update/token"), endpoints);
        Assert.Contains(("POST", "/logout"), endpoints);
        Assert.True(endpoints.Count >= 15, string.Join(", ", endpoints));

        // The Blazor circuit's hub is mapped apart from the route table.
        foreach (var (method, path) in endpoints.Append(("POST", "/_blazor/negotiate?negotiateVersion=1")).Append(("POST", "/_blazor/disconnect")))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { mode = "switch", @ref = "v1.3.0", token = "x", url = "https://x", spec = "+1" }) };
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode}");
        }
        Assert.DoesNotContain(host.Daemon.Calls, c => c.StartsWith("install", StringComparison.Ordinal) || c.StartsWith("delete", StringComparison.Ordinal)
            || c is "reboot" or "set-token" or "clear-token" || c.StartsWith("restart", StringComparison.Ordinal) || c.StartsWith("set-url", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reads_and_pages_are_closed_to_a_remote_peer_but_health_is_open()
    {
        var client = host.Client(RemotePeer);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/update/source")).StatusCode);
        // The in-memory client does not follow redirects, so the answer is the redirect itself.
        var redirect = await client.GetAsync("/setup/update");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("http://localhost/login", redirect.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/login")).StatusCode);
    }

    [Fact]
    public async Task A_remote_peer_that_logged_in_may_change_the_system_with_a_csrf_token()
    {
        var client = host.Client(RemotePeer);
        await client.LogInAsync(TestHost.Password);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/status")).StatusCode);
        var withoutToken = await client.PostAsync("/api/reboot", null);
        Assert.Equal(HttpStatusCode.Forbidden, withoutToken.StatusCode);
        Assert.DoesNotContain("reboot", host.Daemon.Calls);

        await client.WithCsrfTokenAsync();
        var rebooted = await client.PostAsync("/api/reboot", null);
        Assert.Equal(HttpStatusCode.Accepted, rebooted.StatusCode);
        Assert.Contains("reboot", host.Daemon.Calls);
    }

    [Fact]
    public async Task A_wrong_password_does_not_log_in()
    {
        var client = host.Client(RemotePeer);

        var answer = await client.LogInAsync("wrong password");

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Contains("Wrong password.", await answer.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/status")).StatusCode);
    }
}
