using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// Debian's nginx serving a folder on 127.0.0.1 as a binary cache would be served: GET and
/// HEAD for everyone, PUT (WebDAV) for pushing, an optional rate limit for slow links, and
/// an optional access log of what was sent (<see cref="Sent"/>).
/// </summary>
public sealed class NginxServer : IDisposable
{
    private readonly TempDir _dir = new("qitech-nginx");
    private readonly Process _process;

    public NginxServer(string folder, int? limitRateBytesPerSecond = null, bool logAccess = false)
    {
        Port = FreePort();
        var conf = _dir.Combine("nginx.conf");
        var limit = limitRateBytesPerSecond is { } rate ? $"limit_rate {rate};" : "";
        var accessLog = logAccess ? $"access_log {AccessLogPath} sent;" : "access_log off;";
        File.WriteAllText(conf, $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{_dir.Combine("nginx.pid")}};
            error_log {{_dir.Combine("error.log")}} warn;
            events { worker_connections 64; }
            http {
              log_format sent '$request_method $uri $status $body_bytes_sent';
              {{accessLog}}
              client_body_temp_path {{_dir.Combine("body")}};
              proxy_temp_path {{_dir.Combine("proxy")}};
              fastcgi_temp_path {{_dir.Combine("fastcgi")}};
              uwsgi_temp_path {{_dir.Combine("uwsgi")}};
              scgi_temp_path {{_dir.Combine("scgi")}};
              server {
                listen 127.0.0.1:{{Port}};
                root {{folder}};
                client_max_body_size 0;
                dav_methods PUT;
                create_full_put_path on;
                dav_access user:rw group:r all:r;
                {{limit}}
              }
            }
            """);
        Directory.CreateDirectory(folder);
        _process = Process.Start(new ProcessStartInfo("nginx", ["-c", conf, "-e", _dir.Combine("error.log")]) { RedirectStandardError = true })!;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Listening())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"nginx did not start: {File.ReadAllText(_dir.Combine("error.log"))}");
            }
            Thread.Sleep(50);
        }
    }

    public int Port { get; }

    private string AccessLogPath => _dir.Combine("access.log");

    /// <summary>Body bytes sent for each GET so far, by URI path (needs <c>logAccess</c>).</summary>
    public IReadOnlyList<(string Uri, long Bytes)> Sent() =>
        File.Exists(AccessLogPath)
            ? File.ReadAllLines(AccessLogPath).Select(l => l.Split(' ')).Where(f => f[0] == "GET")
                .Select(f => (f[1], long.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture))).ToList()
            : [];

    public string Url => $"http://127.0.0.1:{Port}";

    private bool Listening()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _dir.Dispose();
    }
}
