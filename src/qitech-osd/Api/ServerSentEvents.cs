namespace QiTech.Os.Daemon.Api;

/// <summary>Writes <c>text/event-stream</c>: one event per write, flushed at once.</summary>
public sealed class ServerSentEvents
{
    private readonly HttpResponse _response;
    private bool _started;

    public ServerSentEvents(HttpResponse response) => _response = response;

    public async Task WriteAsync(string type, string jsonData, int? id, CancellationToken cancel)
    {
        if (!_started)
        {
            _response.ContentType = "text/event-stream";
            _response.Headers.CacheControl = "no-cache";
            _started = true;
        }
        var text = (id != null ? $"id: {id}\n" : "") + $"event: {type}\ndata: {jsonData}\n\n";
        await _response.WriteAsync(text, cancel);
        await _response.Body.FlushAsync(cancel);
    }

    /// <summary>Sends headers now, so a client waiting on a quiet stream knows it is connected.</summary>
    public async Task StartAsync(CancellationToken cancel)
    {
        _response.ContentType = "text/event-stream";
        _response.Headers.CacheControl = "no-cache";
        _started = true;
        await _response.Body.FlushAsync(cancel);
    }
}
