using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using QiTech.Os.Activation;
using QiTech.Os.Contract;
using QiTech.Os.Generations;
using QiTech.Os.Jobs;
using QiTech.Os.Nix;
using QiTech.Os.Store;

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
    /// <param name="storeDir">The daemon's logical store directory (default <c>/qitech/store</c>).</param>
    public DaemonClient(string socketPath, TimeSpan? callTimeout = null, StoreDirectory? storeDir = null)
    {
        SocketPath = socketPath;
        _callTimeout = callTimeout;
        Json = new DaemonJson(storeDir ?? new StoreDirectory(StoreDirectory.Default));
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

    /// <summary>The contract's JSON, also for reading a job's result by its kind.</summary>
    public DaemonJson Json { get; }

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
        return new DaemonClient(path, storeDir: layout.StoreDir);
    }

    public async Task<StatusJson> StatusAsync(CancellationToken cancel = default) =>
        await GetJsonAsync<StatusJson>(DaemonEndpoints.Status.Url(), cancel);

    public async Task<IReadOnlyList<GenerationJson>> GenerationsAsync(CancellationToken cancel = default) =>
        await GetJsonAsync<List<GenerationJson>>(DaemonEndpoints.Generations.Url(), cancel);

    public async Task<JobJson> JobAsync(int id, CancellationToken cancel = default) =>
        await GetJsonAsync<JobJson>(DaemonEndpoints.Job.Url(id), cancel);

    /// <summary>The job, or null when the daemon does not know it (it keeps the last 100 since it started).</summary>
    public async Task<JobJson?> FindJobAsync(int id, CancellationToken cancel = default)
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

    public async Task<IReadOnlyList<JobJson>> JobsAsync(CancellationToken cancel = default) =>
        await GetJsonAsync<List<JobJson>>(DaemonEndpoints.Jobs.Url(), cancel);

    /// <summary>Starts switch, boot or test of a store path or a generation (exactly one); returns the job id.</summary>
    public Task<int> ActivateAsync(ActivationMode mode, StorePath? storePath, GenerationNumber? generation, CancellationToken cancel = default, bool noRollback = false) =>
        StartJobAsync(DaemonEndpoints.Activate, Body(new ActivateRequest(storePath, generation, mode, NoRollback: noRollback ? true : null)), cancel);

    /// <summary>What activating a store path or a generation would do (mode dry-activate); nothing changes.</summary>
    public async Task<PlanJson> PlanAsync(StorePath? storePath, GenerationNumber? generation, CancellationToken cancel = default) =>
        await SendForJsonAsync<PlanJson>(DaemonEndpoints.Activate, Body(new ActivateRequest(storePath, generation, ActivationMode.DryActivate)), cancel)
            ?? throw Empty(DaemonEndpoints.Activate);

    /// <summary>Starts a rollback (switch or boot); returns the job id.</summary>
    public Task<int> RollbackAsync(ActivationMode mode, CancellationToken cancel = default) =>
        StartJobAsync(DaemonEndpoints.Rollback, Body(new RollbackRequest(mode)), cancel);

    /// <summary>Boots an existing generation once at the next boot, then the default again; returns the job id.</summary>
    public Task<int> BootOnceAsync(GenerationNumber generation, CancellationToken cancel = default) =>
        StartJobAsync(DaemonEndpoints.Activate, Body(new ActivateRequest(null, generation, ActivationMode.Boot, Once: true)), cancel);

    /// <summary>Deletes one generation (409 when it is current, booted or the boot default).</summary>
    public async Task<DeletionJson> DeleteGenerationAsync(GenerationNumber number, CancellationToken cancel = default) =>
        await SendForJsonAsync<DeletionJson>(DaemonEndpoints.DeleteGeneration, null, cancel, number)
            ?? throw Empty(DaemonEndpoints.DeleteGeneration);

    /// <summary>
    /// Starts an update to <paramref name="reference"/> (tag, branch or commit) with mode
    /// switch, boot or test, from <paramref name="source"/> or else the machine's source,
    /// building <paramref name="configFile"/> (default machine.yaml); returns the job id. A bad
    /// ref, URL or file name is refused (400) before anything starts; 409 while a job runs.
    /// </summary>
    public Task<int> InstallUpdateAsync(string reference, ActivationMode mode, string? source = null, string? configFile = null, CancellationToken cancel = default, bool noRollback = false) =>
        StartJobAsync(DaemonEndpoints.Install, Body(new InstallRequest(reference, mode, source, configFile, noRollback ? true : null)), cancel);

    /// <summary>As <c>delete-generations SPEC</c>.</summary>
    public async Task<DeletionJson> DeleteGenerationsAsync(string spec, CancellationToken cancel = default) =>
        await SendForJsonAsync<DeletionJson>(DaemonEndpoints.DeleteGenerations, Body(new DeleteRequest(spec)), cancel)
            ?? throw Empty(DaemonEndpoints.DeleteGenerations);

    /// <summary>Starts a garbage collection; returns the job id.</summary>
    public Task<int> CollectGarbageAsync(bool dryRun, CancellationToken cancel = default) =>
        StartJobAsync(DaemonEndpoints.Gc, Body(new GcRequest(dryRun)), cancel);

    public async Task<string> LogsAsync(string unit, int lines, CancellationToken cancel = default)
    {
        using var timeout = CallTimeout(cancel);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{DaemonEndpoints.Logs.Url(unit)}?lines={lines}"), HttpCompletionOption.ResponseContentRead, timeout.Token);
        return await response.Content.ReadAsStringAsync(timeout.Token);
    }

    /// <summary>The last lines, then new ones as the service writes them, until cancelled.</summary>
    public async IAsyncEnumerable<string> FollowLogsAsync(string unit, int lines, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        await foreach (var e in EventsAsync($"{DaemonEndpoints.Logs.Url(unit)}?lines={lines}&follow=true", cancel))
        {
            if (e.Value is LogEvent log)
            {
                yield return log.Line;
            }
        }
    }

    /// <summary>A job's events from its first, ending after "done".</summary>
    public async IAsyncEnumerable<DaemonEvent> JobEventsAsync(int id, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        await foreach (var e in EventsAsync(DaemonEndpoints.JobEvents.Url(id), cancel))
        {
            yield return e;
            if (e.Value is DoneEvent)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Follows a job to its end, handing each log line to <paramref name="onLog"/>; returns the
    /// finished job (check <see cref="JobJson.State"/> and <see cref="JobJson.Error"/>).
    /// </summary>
    public async Task<JobJson> WaitForJobAsync(int id, Action<string>? onLog, CancellationToken cancel = default)
    {
        await foreach (var e in JobEventsAsync(id, cancel))
        {
            if (onLog != null && e.Value is LogEvent log)
            {
                onLog(log.Line);
            }
        }
        return await JobAsync(id, cancel);
    }

    /// <summary>Cancels the running job (409 when it already ended).</summary>
    public async Task CancelJobAsync(int id, CancellationToken cancel = default) =>
        await SendForJsonAsync<JobJson>(DaemonEndpoints.CancelJob, null, cancel, id);

    /// <summary>Restarts one service; 403 for peers without rights, 409 while a job runs. Returns its status after.</summary>
    public async Task<ServiceJson?> RestartServiceAsync(string unit, CancellationToken cancel = default) =>
        await SendForJsonAsync<ServiceJson>(DaemonEndpoints.RestartService, null, cancel, unit);

    /// <summary>Embedded mode: stop every service and boot again; returns the job id.</summary>
    public Task<int> RebootAsync(CancellationToken cancel = default) => StartJobAsync(DaemonEndpoints.Reboot, null, cancel);

    /// <summary>The update source; the token itself never comes back, only whether one is set.</summary>
    public async Task<SourceJson> UpdateSourceAsync(CancellationToken cancel = default) =>
        await GetJsonAsync<SourceJson>(DaemonEndpoints.Source.Url(), cancel);

    /// <summary>Sets the update source (a URL or a local repository path); the daemon checks it first.</summary>
    public async Task<SourceJson> SetUpdateSourceAsync(string url, CancellationToken cancel = default) =>
        await SendForJsonAsync<SourceJson>(DaemonEndpoints.SetSource, Body(new SourceRequest(url)), cancel) ?? throw Empty(DaemonEndpoints.SetSource);

    public async Task SetUpdateTokenAsync(string token, CancellationToken cancel = default) =>
        await SendForJsonAsync<SourceJson>(DaemonEndpoints.SetToken, Body(new TokenRequest(token)), cancel);

    public async Task ClearUpdateTokenAsync(CancellationToken cancel = default) =>
        await SendForJsonAsync<SourceJson>(DaemonEndpoints.ClearToken, null, cancel);

    /// <summary>Tags, branches and recent commits of the update source.</summary>
    public async Task<IReadOnlyList<TargetJson>> UpdateTargetsAsync(CancellationToken cancel = default, int? recentCommits = null) =>
        await GetJsonAsync<List<TargetJson>>(DaemonEndpoints.Targets.Url() + (recentCommits is { } n ? $"?commits={n}" : ""), cancel);

    public async Task<ChangelogJson> ChangelogAsync(string gitRef, CancellationToken cancel = default) =>
        await GetJsonAsync<ChangelogJson>($"{DaemonEndpoints.Changelog.Url()}?ref={Uri.EscapeDataString(gitRef)}", cancel);

    /// <summary>The bundles on removable media, each with its checked version and changelog or why it is refused.</summary>
    public async Task<IReadOnlyList<MediaBundleJson>> BundlesAsync(CancellationToken cancel = default) =>
        await GetJsonAsync<List<MediaBundleJson>>(DaemonEndpoints.Bundles.Url(), cancel);

    /// <summary>Starts installing a listed bundle (switch, boot or test); one not listed or refused is a 400 before anything starts. Returns the job id.</summary>
    public Task<int> InstallBundleAsync(string file, ActivationMode mode, CancellationToken cancel = default, bool noRollback = false) =>
        StartJobAsync(DaemonEndpoints.InstallBundle, Body(new BundleInstallRequest(file, mode, noRollback ? true : null)), cancel);

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

    private JsonContent Body<T>(T value) => JsonContent.Create(value, Json.Type<T>());

    private static DaemonException Empty(DaemonEndpoint endpoint) => new(502, $"qitech-osd sent an empty answer to {endpoint}");

    private async Task<int> StartJobAsync(DaemonEndpoint endpoint, HttpContent? body, CancellationToken cancel)
    {
        using var timeout = CallTimeout(cancel);
        var path = endpoint.Url();
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body }, HttpCompletionOption.ResponseContentRead, timeout.Token);
        var started = await ReadJsonAsync(response, path, Json.Type<JobStartedJson>(), timeout.Token);
        return started.JobId;
    }

    private async Task<T> GetJsonAsync<T>(string path, CancellationToken cancel)
    {
        using var timeout = CallTimeout(cancel);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), HttpCompletionOption.ResponseContentRead, timeout.Token);
        return await ReadJsonAsync(response, path, Json.Type<T>(), timeout.Token);
    }

    /// <summary>Sends a request whose answer is <typeparamref name="T"/> or empty (null).</summary>
    private async Task<T?> SendForJsonAsync<T>(DaemonEndpoint endpoint, HttpContent? body, CancellationToken cancel, params object[] values)
        where T : class
    {
        using var timeout = CallTimeout(cancel);
        var path = endpoint.Url(values);
        using var response = await SendAsync(new HttpRequestMessage(new HttpMethod(endpoint.Method), path) { Content = body }, HttpCompletionOption.ResponseContentRead, timeout.Token);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        if (text.Length == 0)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(text, Json.Type<T>());
        }
        catch (JsonException e)
        {
            throw new DaemonException(502, $"qitech-osd's answer to {path} is not valid: {e.Message}");
        }
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
                    var text = data.ToString();
                    yield return new DaemonEvent(id, type, text, EventValue(type, text));
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

    private object? EventValue(string type, string data)
    {
        try
        {
            return Json.Event(type, data);
        }
        catch (JsonException e)
        {
            throw new DaemonException(502, $"qitech-osd sent a {type} event that is not valid: {e.Message}");
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
        ProblemJson? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync(DaemonJsonContext.Default.ProblemJson, cancel);
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
