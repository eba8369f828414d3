using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using QiTech.Control.Server.Security;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>What the server keeps and serves beside its pages: signing keys across a restart, its icon, its API document.</summary>
[Collection(MachineCollection.Name)]
public sealed class ServerStateTests(MachineFixture fixture)
{
    [Fact]
    public async Task An_antiforgery_token_from_before_a_restart_still_works_after_it()
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(fixture.BaseUrl) };
        var token = (await http.GetFromJsonAsync<JsonElement>("/api/antiforgery")).GetProperty("token").GetString();

        await fixture.RestartServerAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/gc") { Content = JsonContent.Create(new { dryRun = true }) };
        request.Headers.Add(AntiforgeryCheck.HeaderName, token);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{fixture.ServerOutput}");
        await fixture.RunJobAsync((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetInt32());
        Assert.DoesNotContain("could not be decrypted", fixture.ServerOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", fixture.ServerOutput, StringComparison.Ordinal);

        // Kept in the server's own state folder, which only its user may open.
        var keys = Path.Combine(fixture.Machine.Root, "var", "lib", ServerStateDirectory.DefaultName, "data-protection-keys");
        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        Assert.False(Directory.Exists(Path.Combine(fixture.Machine.Root, "var", "lib", "qitech", "data-protection-keys")));
    }

    [Fact]
    public async Task The_icon_is_served()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(fixture.BaseUrl + "/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        // An ICO header: reserved 0, type 1 (icon), at least one image.
        Assert.Equal([0, 0, 1, 0], bytes[..4]);
        Assert.True(BitConverter.ToUInt16(bytes, 4) >= 1);
    }

    [Fact]
    public async Task The_api_document_declares_the_header_every_mutating_call_needs()
    {
        using var http = new HttpClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync(fixture.BaseUrl + "/api/openapi/v1.json"));
        var mutating = 0;
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete" or "patch"))
            {
                var header = operation.Value.TryGetProperty("parameters", out var parameters)
                    ? parameters.EnumerateArray().FirstOrDefault(p => p.GetProperty("name").GetString() == AntiforgeryCheck.HeaderName && p.GetProperty("in").GetString() == "header")
                    : default;
                var where = $"{operation.Name} {path.Name}";
                if (operation.Name == "get")
                {
                    Assert.True(header.ValueKind == JsonValueKind.Undefined, where + " declares the header but needs none");
                }
                else
                {
                    mutating++;
                    Assert.True(header.ValueKind == JsonValueKind.Object, where + " does not declare " + AntiforgeryCheck.HeaderName);
                    Assert.True(header.GetProperty("required").GetBoolean(), where);
                }
            }
        }
        Assert.True(mutating >= 10, $"only {mutating} mutating operations in the document");
    }
}
