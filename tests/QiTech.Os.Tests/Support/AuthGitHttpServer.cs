using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// A private git remote over HTTP: the real <c>git http-backend</c> behind Basic
/// authentication that accepts only one token as password. Records every request line and
/// Authorization header so tests can check where the token travels. With <see cref="Stall"/> set it
/// holds authorised requests unanswered, as a remote that stopped answering, so a fetch
/// hangs with git and its helpers alive.
/// </summary>
public sealed class AuthGitHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _projectRoot;
    private readonly string _token;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _held = new(0);

    public AuthGitHttpServer(string projectRoot, string token)
    {
        _projectRoot = projectRoot;
        _token = token;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    public string BaseUrl { get; }

    public List<string> RequestLines { get; } = [];

    public int Unauthorized { get; private set; }

    /// <summary>Every Authorization header received, whether it opened the repository or not.</summary>
    public List<string> Authorizations { get; } = [];

    /// <summary>When set, every request is redirected (302) to the same path under this base URL.</summary>
    public string? RedirectTo { get; set; }

    /// <summary>While true, authorised requests are held open until the server is disposed.</summary>
    public bool Stall { get; set; }

    /// <summary>Completes when a request is being held (so git is waiting for this server).</summary>
    public Task WaitForHeldRequestAsync(CancellationToken cancel) => _held.WaitAsync(cancel);

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            // Each request on its own: a held one must not block the next.
            _ = Task.Run(async () =>
            {
                try
                {
                    await Handle(context);
                }
                catch (Exception e) when (e is IOException or HttpListenerException or ObjectDisposedException or OperationCanceledException)
                {
                    // The client went away, or the server stopped.
                }
            });
        }
    }

    private async Task Handle(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        lock (RequestLines)
        {
            RequestLines.Add(request.HttpMethod + " " + request.RawUrl);
            if (request.Headers["Authorization"] is { } authorization)
            {
                Authorizations.Add(authorization);
            }
        }
        if (RedirectTo != null)
        {
            response.Redirect(RedirectTo.TrimEnd('/') + request.RawUrl);
            response.Close();
            return;
        }
        if (!Authorized(request.Headers["Authorization"]))
        {
            Unauthorized++;
            response.StatusCode = 401;
            response.AddHeader("WWW-Authenticate", "Basic realm=\"machines\"");
            response.Close();
            return;
        }
        if (Stall)
        {
            _held.Release();
            await Task.Delay(Timeout.Infinite, _stop.Token);
        }
        var url = request.Url!;
        var psi = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.Environment["GIT_PROJECT_ROOT"] = _projectRoot;
        psi.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        psi.Environment["PATH_INFO"] = Uri.UnescapeDataString(url.AbsolutePath);
        psi.Environment["QUERY_STRING"] = url.Query.TrimStart('?');
        psi.Environment["REQUEST_METHOD"] = request.HttpMethod;
        psi.Environment["CONTENT_TYPE"] = request.ContentType ?? "";
        psi.Environment["REMOTE_USER"] = "machine";
        psi.Environment["REMOTE_ADDR"] = "127.0.0.1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        if (request.Headers["Content-Encoding"] is { } encoding)
        {
            psi.Environment["HTTP_CONTENT_ENCODING"] = encoding;
        }
        if (request.Headers["Git-Protocol"] is { } protocol)
        {
            psi.Environment["GIT_PROTOCOL"] = protocol;
        }
        using var process = Process.Start(psi)!;
        var feed = Task.Run(async () =>
        {
            await request.InputStream.CopyToAsync(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        });
        var output = process.StandardOutput.BaseStream;
        var headers = ReadHeaders(output);
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                response.StatusCode = int.Parse(value.Split(' ')[0]);
            }
            else if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                response.AddHeader(name, value);
            }
        }
        await output.CopyToAsync(response.OutputStream);
        await feed;
        await process.WaitForExitAsync();
        response.Close();
    }

    private bool Authorized(string? header)
    {
        if (header == null || !header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return false;
        }
        var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
        return pair.EndsWith(":" + _token, StringComparison.Ordinal);
    }

    private static List<(string, string)> ReadHeaders(Stream stream)
    {
        var headers = new List<(string, string)>();
        var line = new StringBuilder();
        while (true)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                return headers;
            }
            if (b == '\r')
            {
                continue;
            }
            if (b != '\n')
            {
                line.Append((char)b);
                continue;
            }
            if (line.Length == 0)
            {
                return headers;
            }
            var text = line.ToString();
            var colon = text.IndexOf(':');
            headers.Add((text[..colon].Trim(), text[(colon + 1)..].Trim()));
            line.Clear();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // The managed listener's endpoint bookkeeping can report "Address already in use"
            // while it unbinds (seen when another test binds a port at that moment): it is closed.
        }
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
