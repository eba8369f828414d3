using System.Net;
using System.Net.Http.Headers;
using QiTech.Os.Errors;

namespace QiTech.Os.Cache;

/// <summary>A cache behind HTTP(S): GET and HEAD to read, PUT to write (as Nix's http binary cache store).</summary>
public sealed class HttpCacheTransport : ICacheTransport
{
    private readonly HttpClient _http;

    public HttpCacheTransport(BinaryCacheUrl url)
    {
        Url = url;
        // No redirects: a cache that sends us elsewhere is not the cache that was named.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("qitech-os", "1"));
    }

    public BinaryCacheUrl Url { get; }

    public string StagingDirectory => Path.GetTempPath();

    public async Task<Stream?> OpenReadAsync(string file, CancellationToken cancel)
    {
        var response = await Send(new HttpRequestMessage(HttpMethod.Get, Url.Of(file)), HttpCompletionOption.ResponseHeadersRead, cancel);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            response.Dispose();
            return null;
        }
        Check(response, "GET", file);
        return await response.Content.ReadAsStreamAsync(cancel);
    }

    public async Task<bool> ExistsAsync(string file, CancellationToken cancel)
    {
        using var response = await Send(new HttpRequestMessage(HttpMethod.Head, Url.Of(file)), HttpCompletionOption.ResponseHeadersRead, cancel);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return false;
        }
        Check(response, "HEAD", file);
        return true;
    }

    public async Task WriteAsync(string file, string localFile, string contentType, CancellationToken cancel)
    {
        await using var content = File.OpenRead(localFile);
        using var request = new HttpRequestMessage(HttpMethod.Put, Url.Of(file)) { Content = new StreamContent(content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await Send(request, HttpCompletionOption.ResponseContentRead, cancel);
        Check(response, "PUT", file);
    }

    private async Task<HttpResponseMessage> Send(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancel)
    {
        try
        {
            return await _http.SendAsync(request, completion, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new QiTechOsException($"{request.RequestUri}: {e.Message}");
        }
    }

    private void Check(HttpResponseMessage response, string method, string file)
    {
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new QiTechOsException($"{method} {Url.Of(file)}: HTTP {status}");
        }
    }

    public void Dispose() => _http.Dispose();
}
