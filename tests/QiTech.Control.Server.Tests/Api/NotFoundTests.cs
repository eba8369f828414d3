using System.Net;
using QiTech.Control.Server.Tests.Support;

namespace QiTech.Control.Server.Tests.Api;

/// <summary>A URL nothing answers: a page for a browser, a problem document for the API and other callers.</summary>
public sealed class NotFoundTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync(remote: false);

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<HttpResponseMessage> GetAsync(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Accept", accept);
        return await host.Client().SendAsync(request);
    }

    [Fact]
    public async Task A_browser_gets_the_ui_with_status_404()
    {
        using var answer = await GetAsync("/no-such-page", "text/html,application/xhtml+xml,*/*;q=0.8");

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
        // The shell the UI starts from: the page itself renders in the browser.
        Assert.Contains("_framework/blazor.web.js", await answer.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/no-such-thing", "text/html,application/xhtml+xml,*/*;q=0.8")]
    [InlineData("/no-such-page", "application/json")]
    public async Task The_api_and_other_callers_keep_a_json_404(string path, string accept)
    {
        using var answer = await GetAsync(path, accept);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":404", await answer.Content.ReadAsStringAsync());
    }
}
