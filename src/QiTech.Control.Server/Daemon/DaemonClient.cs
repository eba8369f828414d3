using GenerationNumber = QiTech.Os.Generations.GenerationNumber;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace QiTech.Control.Server.Daemon;

/// <summary>
/// The typed client of <c>qitech-osd</c>: HTTP over its Unix socket (docs/daemon-api.md).
/// Problem answers become <see cref="DaemonProblemException"/>, a missing or silent socket
/// <see cref="DaemonUnavailableException"/>.
/// </summary>
public sealed class DaemonClient : ISystemStatusSource, IGenerationControl, IJobMonitor, IUpdateSourceSettings,
    IUpdateTargets, IServiceControl, IDisposable
{
    // Short calls get this long; event streams live until cancelled.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly HttpClient http;

    public DaemonClient(string socketPath)
    {
        SocketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        http = new HttpClient(handler) { BaseAddress = new Uri("http://qitech-osd/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public string SocketPath { get; }

    public Task<SystemStatus> GetStatusAsync(CancellationToken cancel) =>
        GetJsonAsync<SystemStatus>("v1/status", cancel);

    public Task<IReadOnlyList<GenerationInfo>> GetGenerationsAsync(CancellationToken cancel) =>
        GetJsonAsync<IReadOnlyList<GenerationInfo>>("v1/generations", cancel);

    public Task<long> ActivateAsync(ActivateRequest request, CancellationToken cancel) =>
        StartJobAsync("v1/activate", request, cancel);

    public Task<long> RollbackAsync(ActivationMode mode, CancellationToken cancel) =>
        StartJobAsync("v1/rollback", new RollbackRequest(mode), cancel);

    public Task DeleteGenerationAsync(GenerationNumber number, CancellationToken cancel) =>
        SendAsync(HttpMethod.Delete, $"v1/generations/{number}", null, cancel);

    public Task DeleteGenerationsAsync(string spec, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, "v1/generations/delete", new DeleteGenerationsRequest(spec), cancel);

    public Task<long> CollectGarbageAsync(bool dryRun, CancellationToken cancel) =>
        StartJobAsync("v1/gc", new GcRequest(dryRun), cancel);

    public Task<IReadOnlyList<JobInfo>> GetJobsAsync(CancellationToken cancel) =>
        GetJsonAsync<IReadOnlyList<JobInfo>>("v1/jobs", cancel);

    public async Task<JobInfo?> GetJobAsync(long jobId, CancellationToken cancel)
    {
        try
        {
            return await GetJsonAsync<JobInfo>($"v1/jobs/{jobId}", cancel);
        }
        catch (DaemonProblemException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<JobEvent> WatchJobAsync(long jobId, [EnumeratorCancellation] CancellationToken cancel)
    {
        await foreach (var item in ReadEventsAsync($"v1/jobs/{jobId}/events", cancel))
        {
            yield return new JobEvent(item.EventType, item.Data);
            if (item.EventType == "done")
            {
                yield break;
            }
        }
    }

    public Task CancelJobAsync(long jobId, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, $"v1/jobs/{jobId}/cancel", null, cancel);

    public async Task<IReadOnlyList<string>> ReadLogAsync(UnitName unit, int lines, CancellationToken cancel)
    {
        using var timeout = Linked(cancel);
        using var response = await CallAsync(
            new HttpRequestMessage(HttpMethod.Get, $"v1/logs/{Uri.EscapeDataString(unit.Value)}?lines={lines}&follow=false"),
            HttpCompletionOption.ResponseContentRead, timeout.Token);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            return JsonSerializer.Deserialize<List<string>>(text, DaemonJson.Options) ?? [];
        }
        return text.Split('\n', StringSplitOptions.None) is var all && all.Length > 0 && all[^1].Length == 0
            ? all[..^1]
            : all;
    }

    public async IAsyncEnumerable<string> FollowLogAsync(UnitName unit, int lines, [EnumeratorCancellation] CancellationToken cancel)
    {
        var path = $"v1/logs/{Uri.EscapeDataString(unit.Value)}?lines={lines}&follow=true";
        await foreach (var item in ReadEventsAsync(path, cancel))
        {
            yield return DaemonJson.LogText(item.Data);
        }
    }

    public Task RestartServiceAsync(UnitName unit, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, $"v1/services/{Uri.EscapeDataString(unit.Value)}/restart", null, cancel);

    public Task RebootAsync(CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, "v1/reboot", null, cancel);

    public Task<UpdateSource> GetSourceAsync(CancellationToken cancel) =>
        GetJsonAsync<UpdateSource>("v1/update/source", cancel);

    public Task SetSourceUrlAsync(string url, CancellationToken cancel) =>
        SendAsync(HttpMethod.Put, "v1/update/source", new SourceRequest(url), cancel);

    public Task SetTokenAsync(string token, CancellationToken cancel) =>
        SendAsync(HttpMethod.Put, "v1/update/token", new TokenRequest(token), cancel);

    public Task ClearTokenAsync(CancellationToken cancel) =>
        SendAsync(HttpMethod.Delete, "v1/update/token", null, cancel);

    public Task<IReadOnlyList<UpdateTarget>> GetTargetsAsync(CancellationToken cancel) =>
        GetJsonAsync<IReadOnlyList<UpdateTarget>>("v1/update/targets", cancel);

    public Task<Changelog> GetChangelogAsync(string gitRef, CancellationToken cancel) =>
        GetJsonAsync<Changelog>($"v1/update/changelog?ref={Uri.EscapeDataString(gitRef)}", cancel);

    public Task<long> InstallAsync(string gitRef, ActivationMode mode, CancellationToken cancel) =>
        StartJobAsync("v1/update/install", new InstallRequest(gitRef, mode), cancel);

    public void Dispose() => http.Dispose();

    private static CancellationTokenSource Linked(CancellationToken cancel)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        source.CancelAfter(CallTimeout);
        return source;
    }

    private async Task<T> GetJsonAsync<T>(string path, CancellationToken cancel)
    {
        using var timeout = Linked(cancel);
        using var response = await CallAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseContentRead, timeout.Token);
        return await ReadJsonAsync<T>(response, path, timeout.Token);
    }

    private async Task<long> StartJobAsync(string path, object body, CancellationToken cancel)
    {
        using var timeout = Linked(cancel);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, body.GetType(), options: DaemonJson.Options) };
        using var response = await CallAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        return (await ReadJsonAsync<JobStarted>(response, path, timeout.Token)).JobId;
    }

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancel)
    {
        using var timeout = Linked(cancel);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: DaemonJson.Options);
        }
        using var response = await CallAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
    }

    private async IAsyncEnumerable<SseItem<string>> ReadEventsAsync(string path, [EnumeratorCancellation] CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await CallAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        await using var stream = await response.Content.ReadAsStreamAsync(cancel);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancel))
        {
            yield return item;
        }
    }

    /// <summary>Sends a request; a non-success answer becomes a <see cref="DaemonProblemException"/>.</summary>
    private async Task<HttpResponseMessage> CallAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancel)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new DaemonUnavailableException(SocketPath, e.InnerException as SocketException ?? (Exception)e);
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw await ProblemFromAsync(response, request, cancel);
        }
    }

    private static async Task<DaemonProblemException> ProblemFromAsync(HttpResponseMessage response, HttpRequestMessage request, CancellationToken cancel)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancel);
        string? title = null, detail = null;
        long? jobId = null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                jobId = root.TryGetProperty("jobId", out var j) && j.TryGetInt64(out var id) ? id : null;
            }
        }
        catch (JsonException)
        {
            // Not a problem document: fall back to the status line below.
        }
        var place = $"{request.Method} {request.RequestUri?.AbsolutePath}";
        return new DaemonProblemException(
            status,
            title ?? response.ReasonPhrase ?? "error",
            detail ?? $"the daemon answered {status} {response.ReasonPhrase} to {place}",
            jobId);
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string path, CancellationToken cancel)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(DaemonJson.Options, cancel)
                ?? throw new DaemonProblemException(502, "bad answer", $"the daemon sent an empty answer to {path}");
        }
        catch (JsonException e)
        {
            throw new DaemonProblemException(502, "bad answer", $"the daemon's answer to {path} is not valid: {e.Message}");
        }
    }
}
