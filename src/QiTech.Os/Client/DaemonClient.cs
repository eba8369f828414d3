using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using QiTech.Os.Generations;
using QiTech.Os.Platform;

namespace QiTech.Os.Client;

/// <summary>
/// Talks to <c>qitech-osd</c> over its Unix socket (HTTP/1.1, JSON, SSE). The CLI uses it
/// when <see cref="TryConnect"/> finds a daemon answering, and otherwise works directly.
/// Errors come back as <see cref="DaemonException"/> carrying the daemon's one-line detail.
/// </summary>
public sealed class DaemonClient : IDisposable
{
    private readonly HttpClient _http;

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
        (await GetJsonAsync("v1/status", DaemonClientJson.Default.DaemonStatus, cancel))!;

    public async Task<IReadOnlyList<GenerationJson>> GenerationsAsync(CancellationToken cancel = default) =>
        (await GetJsonAsync("v1/generations", DaemonClientJson.Default.ListGenerationJson, cancel))!;

    public async Task<DaemonJob> JobAsync(int id, CancellationToken cancel = default) =>
        (await GetJsonAsync($"v1/jobs/{id}", DaemonClientJson.Default.DaemonJob, cancel))!;

    /// <summary>Starts switch, boot or test of a store path or a generation; returns the job id.</summary>
    public Task<int> ActivateAsync(string mode, string? storePath, int? generation, CancellationToken cancel = default) =>
        StartJobAsync("v1/activate", JsonContent.Create(new ActivateBody(storePath, generation, mode), DaemonClientJson.Default.ActivateBody), cancel);

    /// <summary>Starts a rollback ("switch" or "boot"); returns the job id.</summary>
    public Task<int> RollbackAsync(string mode, CancellationToken cancel = default) =>
        StartJobAsync("v1/rollback", JsonContent.Create(new ModeBody(mode), DaemonClientJson.Default.ModeBody), cancel);

    /// <summary>
    /// Starts an update to <paramref name="reference"/> (tag, branch or commit) with mode
    /// "switch", "boot" or "test", from <paramref name="source"/> or else the machine's source,
    /// building <paramref name="configFile"/> (default machine.yaml); returns the job id. A bad
    /// ref, URL or file name is refused (400) before anything starts; 409 while a job runs.
    /// </summary>
    public Task<int> InstallUpdateAsync(string reference, string mode, string? source = null, string? configFile = null, CancellationToken cancel = default) =>
        StartJobAsync("v1/update/install", JsonContent.Create(new InstallBody(reference, mode, source, configFile), DaemonClientJson.Default.InstallBody), cancel);

    /// <summary>As <c>delete-generations SPEC</c>; returns the daemon's JSON answer ({deleted, kept}).</summary>
    public async Task<JsonElement> DeleteGenerationsAsync(string spec, CancellationToken cancel = default)
    {
        using var response = await _http.PostAsync("v1/generations/delete", JsonContent.Create(new SpecBody(spec), DaemonClientJson.Default.SpecBody), cancel);
        await ThrowIfFailed(response, cancel);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel)).RootElement.Clone();
    }

    public async Task<string> LogsAsync(string unit, int lines, CancellationToken cancel = default)
    {
        using var response = await _http.GetAsync($"v1/logs/{Uri.EscapeDataString(unit)}?lines={lines}", cancel);
        await ThrowIfFailed(response, cancel);
        return await response.Content.ReadAsStringAsync(cancel);
    }

    /// <summary>The last lines, then new ones as the service writes them, until cancelled.</summary>
    public async IAsyncEnumerable<string> FollowLogsAsync(string unit, int lines, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        await foreach (var e in EventsAsync($"v1/logs/{Uri.EscapeDataString(unit)}?lines={lines}&follow=true", cancel))
        {
            if (e.Type == "log" && JsonSerializer.Deserialize(e.Data, DaemonClientJson.Default.LogLine) is { } line)
            {
                yield return line.Line;
            }
        }
    }

    /// <summary>A job's events from its first, ending after "done".</summary>
    public IAsyncEnumerable<DaemonEvent> JobEventsAsync(int id, CancellationToken cancel = default) =>
        EventsAsync($"v1/jobs/{id}/events", cancel);

    /// <summary>
    /// Follows a job to its end, handing each log line to <paramref name="onLog"/>; returns the
    /// finished job (check <see cref="DaemonJob.State"/> and <see cref="DaemonJob.Error"/>).
    /// </summary>
    public async Task<DaemonJob> WaitForJobAsync(int id, Action<string>? onLog, CancellationToken cancel = default)
    {
        await foreach (var e in JobEventsAsync(id, cancel))
        {
            if (e.Type == "log" && onLog != null && JsonSerializer.Deserialize(e.Data, DaemonClientJson.Default.LogLine) is { } line)
            {
                onLog(line.Line);
            }
        }
        return await JobAsync(id, cancel);
    }

    /// <summary>Asks the daemon to cancel a running job (409 when it has already ended); it ends soon after.</summary>
    public async Task CancelJobAsync(int id, CancellationToken cancel = default)
    {
        using var response = await _http.PostAsync($"v1/jobs/{id}/cancel", null, cancel);
        await ThrowIfFailed(response, cancel);
    }

    public async Task<IReadOnlyList<DaemonJob>> JobsAsync(CancellationToken cancel = default) =>
        (await GetJsonAsync("v1/jobs", DaemonClientJson.Default.ListDaemonJob, cancel))!;

    /// <summary>Restarts one service; 403 for peers without rights, 409 while a job runs.</summary>
    public async Task RestartServiceAsync(string unit, CancellationToken cancel = default)
    {
        using var response = await _http.PostAsync($"v1/services/{Uri.EscapeDataString(unit)}/restart", null, cancel);
        await ThrowIfFailed(response, cancel);
    }

    /// <summary>Embedded mode: stop every service and boot again; returns the job id.</summary>
    public Task<int> RebootAsync(CancellationToken cancel = default) => StartJobAsync("v1/reboot", null, cancel);

    public void Dispose() => _http.Dispose();

    private async Task<int> StartJobAsync(string path, HttpContent? body, CancellationToken cancel)
    {
        using var response = await _http.PostAsync(path, body, cancel);
        await ThrowIfFailed(response, cancel);
        var started = await response.Content.ReadFromJsonAsync(DaemonClientJson.Default.DaemonJobStarted, cancel);
        return started!.JobId;
    }

    private async Task<T?> GetJsonAsync<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancel)
    {
        using var response = await _http.GetAsync(path, cancel);
        await ThrowIfFailed(response, cancel);
        return await response.Content.ReadFromJsonAsync(type, cancel);
    }

    private async IAsyncEnumerable<DaemonEvent> EventsAsync(string path, [EnumeratorCancellation] CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        await ThrowIfFailed(response, cancel);
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

    private static async Task ThrowIfFailed(HttpResponseMessage response, CancellationToken cancel)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
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
        throw new DaemonException(status, problem?.Detail ?? $"qitech-osd answered {status} {response.ReasonPhrase}", problem?.JobId);
    }
}
