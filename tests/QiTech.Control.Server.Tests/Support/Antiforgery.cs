using System.Net.Http.Json;
using QiTech.Control.Server.Api;

namespace QiTech.Control.Server.Tests.Support;

public static class Antiforgery
{
    /// <summary>Gets a token (and its cookie) as a script would, and sends it with every later request.</summary>
    public static async Task<HttpClient> WithCsrfTokenAsync(this HttpClient client)
    {
        var token = await client.GetFromJsonAsync<AntiforgeryToken>("/api/antiforgery");
        client.DefaultRequestHeaders.Add(token!.HeaderName, token.Token);
        return client;
    }
}
