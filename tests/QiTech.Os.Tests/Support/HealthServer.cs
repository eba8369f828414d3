using System.Net;
using System.Net.Sockets;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// A real HTTP service for health tests (Debian's python3, no shell): it prints its version,
/// answers <c>/health</c> with a chosen status (0: accepts and never answers), <c>/</c> with its
/// version, and may exit with status 3 after some seconds. Each test gets a free port.
/// </summary>
public sealed class HealthServer
{
    private const string Script = """
        import http.server, os, sys, threading, time
        port, status, label, exit_after = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/health" and status == 0:
                    time.sleep(3600)
                body = (label + "\n").encode()
                self.send_response(status if self.path == "/health" else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        if exit_after > 0:
            def leave():
                print(label + " exits", flush=True)
                os._exit(3)
            threading.Timer(exit_after, leave).start()
        print(label + " serving on " + str(port), flush=True)
        server.serve_forever()
        """;

    public HealthServer(TempDir dir)
    {
        ScriptPath = dir.Combine("health-server.py");
        File.WriteAllText(ScriptPath, Script);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public string ScriptPath { get; }

    public int Port { get; }

    public string HealthUrl => $"http://127.0.0.1:{Port}/health";

    /// <summary>
    /// app.service running the server as <paramref name="label"/>: /health answers
    /// <paramref name="status"/>; it exits after <paramref name="exitAfter"/> seconds (0: never).
    /// </summary>
    public Dictionary<string, string> Units(string label, int status = 200, double exitAfter = 0, string restart = "no", string check = "")
    {
        var exit = exitAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["app.service"] = $"[Unit]\nDescription=The app {label}\n[Service]\nExecStart=/usr/bin/python3 {ScriptPath} {Port} {status} {label} {exit}\n"
                + $"Restart={restart}\nRestartSec=300ms\n[X-QiTech-HealthCheck]\nHttp={HealthUrl}\n{check}[Install]\nWantedBy=multi-user.target\n",
        };
    }

    /// <summary>What the running server says it is ("v1"), or null when nothing answers.</summary>
    public async Task<string?> VersionAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return (await http.GetStringAsync($"http://127.0.0.1:{Port}/")).Trim();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
