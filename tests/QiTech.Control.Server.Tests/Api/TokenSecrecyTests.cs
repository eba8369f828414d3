using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Contract;

namespace QiTech.Control.Server.Tests.Api;

/// <summary>The private-repository token goes to the daemon and nowhere else: no answer, no log.</summary>
public sealed class TokenSecrecyTests : IAsyncLifetime
{
    private const string Secret = "glpat-Zq8sV3cretT0kenValue";
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync(remote: true);

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task The_token_is_in_no_answer_and_no_log()
    {
        var client = await host.Client().WithCsrfTokenAsync();
        var answers = new List<string>();

        var set = await client.PutAsJsonAsync("/api/update/token", new TokenRequest(Secret));
        answers.Add(await set.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        Assert.Equal(Secret, host.Daemon.StoredToken);

        var source = await client.GetFromJsonAsync<SourceJson>("/api/update/source", ServerJson.Options);
        Assert.True(source!.HasToken);

        // A token the server refuses is not echoed either.
        var refused = await client.PutAsJsonAsync("/api/update/token", new TokenRequest(Secret + "\n"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        answers.Add(await refused.Content.ReadAsStringAsync());

        // Every read endpoint without route values, and the pages.
        var reads = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => !p.Contains('{') && !p.StartsWith("/_", StringComparison.Ordinal))
            .Concat(["/api/update/changelog?ref=v1.3.0", "/api/jobs/7", "/api/logs/qitech-machine.service?lines=10", "/api/openapi/v1.json"])
            .Distinct()
            .ToList();
        Assert.Contains("/api/update/source", reads);
        Assert.Contains("/setup/update", reads);
        foreach (var path in reads)
        {
            var answer = await client.GetAsync(path);
            answers.Add($"{path} {(int)answer.StatusCode} {answer.Headers} {await answer.Content.ReadAsStringAsync()}");
        }

        Assert.All(answers, a => Assert.DoesNotContain(Secret, a));
        Assert.NotEmpty(host.Logs.Lines);
        Assert.All(host.Logs.Lines, l => Assert.DoesNotContain(Secret, l));
    }
}
