using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using QiTech.Os.Generations;
using QiTech.Os.Platform;

namespace QiTech.Os.Client;

/// <summary>
/// Talks to <c>qitech-osd</c> over its Unix socket (HTTP/1.1, JSON, SSE; docs/daemon-api.md).
/// The CLI uses it when <see cref="TryConnect"/> finds a daemon answering, the control server
/// for everything. A refusal comes back as <see cref="DaemonException"/> carrying the daemon's
/// one-line detail; a socket that does not answer as <see cref="DaemonUnavailableException"/>.
/// </summary>
public sealed class DaemonClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeSpan? _callTimeout;

    /// <param name="socketPath">The daemon's socket.</param>
    /// <param name="callTimeout">How long a call that is not an event stream may take; none by default.</param>
    public DaemonClient(string socketPath, TimeSpan? callTimeout = null)
    {
        SocketPath = socketPath;
        _callTimeout = callTimeout;
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
            // A restarted daemon listens on a new socket: do not keep old connections long.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://qitech-osd/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public string SocketPath { get; }

    /// <summary>A client when a daemon answers on the root's socket, else null (no socket, or a stale one).</summary>
    public static DaemonClient? TryConnect(SystemLayout layout)
    {
        var path = layout.DaemonSocket;
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            return null;
        }
        return new DaemonClient(path);
    }

    public async Task<DaemonStatus> StatusAsync(CancellationToken cancel = default) =>
        await GetJsonAsync("v1/status", DaemonClientJson.Default.DaemonStatus, cancel);

    public async Task<IReadOnlyList<GenerationJson>> GenerationsAsync(CancellationToken cancel = default) =>
        await GetJsonAsync("v1/generations", DaemonClientJson.Default.ListGenerationJson, cancel);

    public async Task<DaemonJob> JobAsync(int id, CancellationToken cancel = default) =>
        await GetJsonAsync($"v1/jobs/{id}", DaemonClientJson.Default.DaemonJob, cancel);

    /// <summary>The job, or null when the daemon does not know it (it keeps the last 100 since it started).</summary>
    public async Task<DaemonJob?> FindJobAsync(int id, CancellationToken cancel = default)
    {
        try
        {
            return await JobAsync(id, cancel);
        }
        catch (DaemonException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<DaemonJob>> JobsAsync(CancellationToken cancel = default) =>
        await GetJsonAsync("v1/jobs", DaemonClientJson.Default.ListDaemonJob, cancel);

    /// <summary>
    /// Starts switch, boot or test of a store path or a generation; returns the job id. A version
    /// that fails its health checks is switched back from unless <paramref name="noRollback"/>.
    /// </summary>
    public Task<int> ActivateAsync(string mode, string? storePath, int? generation, CancellationToken cancel = default, bool noRollback = false) =>
        StartJobAsync("v1/activate", JsonContent.Create(new ActivateBody(storePath, generation, mode, noRollback ? true : null), DaemonClientJson.Default.ActivateBody), cancel);

    /// <summary>Starts a rollback ("switch" or "boot"); returns the job id.</summary>
    public Task<int> RollbackAsync(string mode, CancellationToken cancel = default) =>
        StartJobAsync("v1/rollback", JsonContent.Create(new ModeBody(mode), DaemonClientJson.Default.ModeBody), cancel);

    /// <summary>Boots an existing generation once at the next boot, then the default again; returns the job id.</summary>
    public Task<int> BootOnceAsync(int generation, CancellationToken cancel = default) =>
        StartJobAsync("v1/activate", JsonContent.Create(new OneShotBody(generation, "boot", Once: true), DaemonResultJson.Default.OneShotBody), cancel);

    /// <summary>Deletes one generation (409 when it is current, booted or the boot default); returns {deleted, kept}.</summary>
    public Task<JsonElement> DeleteGenerationAsync(int number, CancellationToken cancel = default) =>
        SendForJsonAsync(HttpMethod.Delete, $"v1/generations/{number}", null, cancel);

    /// <summary>
    /// Starts an update to <paramref name="reference"/> (tag, branch or commit) with mode
    /// "switch", "boot" or "test", from <paramref name="source"/> or else the machine's source,
    /// building <paramref name="configFile"/> (default machine.yaml); returns the job id. A bad
    /// ref, URL or file name is refused (400) before anything starts; 409 while a job runs.
    /// </summary>
    public Task<int> InstallUpdateAsync(string reference, string mode, string? source = null, string? configFile = null, CancellationToken cancel = default, bool noRollback = false) =>
        StartJobAsync("v1/update/install", JsonContent.Create(new InstallBody(reference, mode, source, configFile, noRollback ? true : null), DaemonClientJson.Default.InstallBody), cancel);

    /// <summary>As <c>delete-generations SPEC</c>; returns the daemon's JSON answer ({deleted, kept}).</summary>
    public Task<JsonElement> DeleteGenerationsAsync(string spec, CancellationToken cancel = default) =>
        SendForJsonAsync(HttpMethod.Post, "v1/generations/delete", JsonContent.Create(new SpecBody(spec), DaemonClientJson.Default.SpecBody), cancel);

    /// <summary>Starts a garbage collection; returns the job id.</summary>
    public Task<int> CollectGarbageAsync(bool dryRun, CancellationToken cancel = default) =>
        StartJobAsync("v1/gc", JsonContent.Create(new GcBody(dryRun), DaemonClientJson.Default.GcBody), cancel);

    public async Task<string> LogsAsync(string unit, int lines, CancellationToken cancel = default)
    {
        using var timeout = CallTimeout(cancel);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"v1/logs/{Uri.EscapeDataString(unit)}?lines={lines}"), HttpCompletionOption.ResponseContentRead, timeout.Token);
        return await response.Content.ReadAsStringAsync(timeout.Token);
    }

    /// <summary>The last lines, then new ones as the service writes them, until cancelled.</summary>
    public async IAsyncEnumerable<string> FollowLogsAsync(string unit, int lines, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        await foreach (var e in EventsAsync($"v1/logs/{Uri.EscapeDataString(unit)}?lines={lines}&follow=true", cancel))
        {
            if (e.AsLogLine() is { } line)
            {
                yield return line;
            }
        }
    }

    /// <summary>A job's events from its first, ending after "done".</summary>
    public async IAsyncEnumerable<DaemonEvent> JobEventsAsync(int id, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        await foreach (var e in EventsAsync($"v1/jobs/{id}/events", cancel))
        {
            yield return e;
            if (e.Type == "done")
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Follows a job to its end, handing each log line to <paramref name="onLog"/>; returns the
    /// finished job (check <see cref="DaemonJob.State"/> and <see cref="DaemonJob.Error"/>).
    /// </summary>
    public async Task<DaemonJob> WaitForJobAsync(int id, Action<string>? onLog, CancellationToken cancel = default)
    {
        await foreach (var e in JobEventsAsync(id, cancel))
        {
            if (onLog != null && e.AsLogLine() is { } line)
            {
                onLog(line);
            }
        }
        return await JobAsync(id, cancel);
    }

    /// <summary>Cancels the running job (409 when it already ended).</summary>
    public async Task CancelJobAsync(int id, CancellationToken cancel = default) =>
        await SendForJsonAsync(HttpMethod.Post, $"v1/jobs/{id}/cancel", null, cancel);

    /// <summary>Restarts one service; 403 for peers without rights, 409 while a job runs.</summary>
    public async Task RestartServiceAsync(string unit, CancellationToken cancel = default) =>
        await SendForJsonAsync(HttpMethod.Post, $"v1/services/{Uri.EscapeDataString(unit)}/restart", null, cancel);

    /// <summary>Embedded mode: stop every service and boot again; returns the job id.</summary>
    public Task<int> RebootAsync(CancellationToken cancel = default) => StartJobAsync("v1/reboot", null, cancel);

    /// <summary>The update source; the token itself never comes back, only whether one is set.</summary>
    public async Task<DaemonUpdateSource> UpdateSourceAsync(CancellationToken cancel = default) =>
        await GetJsonAsync("v1/update/source", DaemonClientJson.Default.DaemonUpdateSource, cancel);

    /// <summary>Sets the update source (a URL or a local repository path); the daemon checks it first.</summary>
    public async Task SetUpdateSourceAsync(string url, CancellationToken cancel = default) =>
        await SendForJsonAsync(HttpMethod.Put, "v1/update/source", JsonContent.Create(new UrlBody(url), DaemonClientJson.Default.UrlBody), cancel);

    public async Task SetUpdateTokenAsync(string token, CancellationToken cancel = default) =>
        await SendForJsonAsync(HttpMethod.Put, "v1/update/token", JsonContent.Create(new TokenBody(token), DaemonClientJson.Default.TokenBody), cancel);

    public async Task ClearUpdateTokenAsync(CancellationToken cancel = default) =>
        await SendForJsonAsync(HttpMethod.Delete, "v1/update/token", null, cancel);

    /// <summary>Tags, branches and recent commits of the update source.</summary>
    public async Task<IReadOnlyList<DaemonUpdateTarget>> UpdateTargetsAsync(CancellationToken cancel = default) =>
        await GetJsonAsync("v1/update/targets", DaemonClientJson.Default.ListDaemonUpdateTarget, cancel);

    public async Task<DaemonChangelog> ChangelogAsync(string gitRef, CancellationToken cancel = default) =>
        await GetJsonAsync($"v1/update/changelog?ref={Uri.EscapeDataString(gitRef)}", DaemonClientJson.Default.DaemonChangelog, cancel);

    public void Dispose() => _http.Dispose();

    private CancellationTokenSource CallTimeout(CancellationToken cancel)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (_callTimeout is { } limit)
        {
            source.CancelAfter(limit);
        }
        return source;
    }

    private async Task<int> StartJobAsync(string path, HttpContent? body, CancellationToken cancel)
    {
        using var timeout = CallTimeout(cancel);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body }, HttpCompletionOption.ResponseContentRead, timeout.Token);
        var started = await ReadJsonAsync(response, path, DaemonClientJson.Default.DaemonJobStarted, timeout.Token);
        return started.JobId;
    }

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancel)
    {
        using var timeout = CallTimeout(cancel);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseContentRead, timeout.Token);
        return await ReadJsonAsync(response, path, type, timeout.Token);
    }

    /// <summary>Sends a request whose answer is JSON or empty; an empty answer is JSON null.</summary>
    private async Task<JsonElement> SendForJsonAsync(HttpMethod method, string path, HttpContent? body, CancellationToken cancel)
    {
        using var timeout = CallTimeout(cancel);
        using var response = await SendAsync(new HttpRequestMessage(method, path) { Content = body }, HttpCompletionOption.ResponseContentRead, timeout.Token);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async IAsyncEnumerable<DaemonEvent> EventsAsync(string path, [EnumeratorCancellation] CancellationToken cancel)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel), Encoding.UTF8);
        int? id = null;
        string? type = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.Length == 0)
            {
                if (type != null)
                {
                    yield return new DaemonEvent(id, type, data.ToString());
                }
                id = null;
                type = null;
                data.Clear();
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(4), out var n))
            {
                id = n;
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line.AsSpan(6));
            }
        }
    }

    /// <summary>Sends a request (and disposes it); a refusal becomes a <see cref="DaemonException"/>, no answer a <see cref="DaemonUnavailableException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancel)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, completion, cancel);
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
                throw await ProblemAsync(response, $"{request.Method} /{request.RequestUri?.OriginalString.Split('?')[0]}", cancel);
            }
        }
    }

    private static async Task<DaemonException> ProblemAsync(HttpResponseMessage response, string place, CancellationToken cancel)
    {
        DaemonProblem? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync(DaemonClientJson.Default.DaemonProblem, cancel);
        }
        catch (JsonException)
        {
            // Not a problem document: fall back to the status line.
        }
        var status = (int)response.StatusCode;
        return new DaemonException(status, problem?.Detail ?? $"qitech-osd answered {status} {response.ReasonPhrase} to {place}",
            problem?.JobId, problem?.Title ?? response.ReasonPhrase);
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string path, JsonTypeInfo<T> type, CancellationToken cancel)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancel)
                ?? throw new DaemonException(502, $"qitech-osd sent an empty answer to {path}");
        }
        catch (JsonException e)
        {
            throw new DaemonException(502, $"qitech-osd's answer to {path} is not valid: {e.Message}");
        }
    }
}
