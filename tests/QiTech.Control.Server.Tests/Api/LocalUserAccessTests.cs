using System.Net;
using System.Net.Http.Json;
using QiTech.Control.Server.Api;
using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Activation;
using QiTech.Os.Contract;

namespace QiTech.Control.Server.Tests.Api;

/// <summary>
/// Loopback is no identity: any local user can connect to 127.0.0.1. Only a connection whose
/// socket belongs to a user the daemon admits is the machine's own screen; anyone else signs in.
/// </summary>
public sealed class LocalUserAccessTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync(remote: true);

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Another_local_user_gets_no_token_reads_nothing_and_changes_nothing()
    {
        var client = host.Client(uid: TestHost.OtherLocalUser);
        var sourceBefore = host.Daemon.SourceUrl;

        var antiforgery = await client.GetAsync("/api/antiforgery");
        var setSource = await client.PutAsJsonAsync("/api/update/source", new SourceRequest("https://attacker.example/machine.git"));
        var install = await client.PostAsJsonAsync("/api/update/install", new InstallUpdateRequest("v1.3.0", ActivationMode.Switch), ServerJson.Options);
        var targets = await client.GetAsync("/api/update/targets");
        var status = await client.GetAsync("/api/status");
        var page = await client.GetAsync("/setup/update");

        Assert.Equal(HttpStatusCode.Unauthorized, antiforgery.StatusCode);
        Assert.True(setSource.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, setSource.StatusCode.ToString());
        Assert.True(install.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, install.StatusCode.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, targets.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, status.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("http://localhost/login", page.Headers.Location!.ToString());
        Assert.Empty(host.Daemon.Calls);
        Assert.Equal(sourceBefore, host.Daemon.SourceUrl);
        Assert.Contains(host.Logs.Lines, l => l.Contains($"Loopback connection of uid {TestHost.OtherLocalUser}: not root, the daemon's user or a member of group 'qitech'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_machines_own_screen_needs_no_login()
    {
        var client = await host.Client(uid: 0).WithCsrfTokenAsync();

        var setSource = await client.PutAsJsonAsync("/api/update/source", new SourceRequest("https://git.example/qitech/other.git"));

        Assert.Equal(HttpStatusCode.OK, setSource.StatusCode);
        Assert.Contains("set-url https://git.example/qitech/other.git", host.Daemon.Calls);
    }

    [Fact]
    public async Task Another_local_user_who_signs_in_may_change_the_system()
    {
        var client = host.Client(uid: TestHost.OtherLocalUser);

        var login = await client.LogInAsync(TestHost.Password);
        await client.WithCsrfTokenAsync();
        var install = await client.PostAsJsonAsync("/api/update/install", new InstallUpdateRequest("v1.3.0", ActivationMode.Test), ServerJson.Options);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, install.StatusCode);
        Assert.Contains("install v1.3.0 Test", host.Daemon.Calls);
    }

    [Fact]
    public async Task A_rebound_host_name_is_refused_on_loopback_even_with_remote_access_on()
    {
        var client = await host.Client().WithCsrfTokenAsync();
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        read.Headers.Host = "evil.example";
        using var change = new HttpRequestMessage(HttpMethod.Post, "/api/reboot");
        change.Headers.Host = "evil.example:3001";
        using var ownName = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        ownName.Headers.Host = "[::1]:3001";

        var readAnswer = await client.SendAsync(read);
        var changeAnswer = await client.SendAsync(change);
        var ownAnswer = await client.SendAsync(ownName);

        Assert.Equal(HttpStatusCode.BadRequest, readAnswer.StatusCode);
        Assert.Equal("a loopback connection must name localhost, 127.0.0.1 or [::1] in its Host header\n", await readAnswer.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, changeAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownAnswer.StatusCode);
        Assert.DoesNotContain("reboot", host.Daemon.Calls);
    }

    [Fact]
    public async Task A_remote_peer_may_use_any_host_name_but_must_sign_in()
    {
        var client = host.Client("192.0.2.10");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        request.Headers.Host = "machine.plant.example";

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);
    }
}
