using System.Diagnostics;
using System.Text;
using QiTech.Os.Client;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// The real <c>qitech-osd --embedded</c> on a temporary root, as a separate process. Started,
/// it has booted and answers on its socket. Disposing stops it (SIGTERM) and kills anything
/// of the root's that is still running.
/// </summary>
public sealed class DaemonProcess : IDisposable
{
    // The daemon built beside these tests, in the same configuration (artifacts/bin/<project>/<configuration>/).
    private static readonly string Dll = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory, "..", "..", "qitech-osd", new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Name, "qitech-osd.dll"));

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DaemonProcess(SystemLayout layout, Process process)
    {
        Layout = layout;
        _process = process;
    }

    public SystemLayout Layout { get; }

    public int Pid => _process.Id;

    /// <summary>What the daemon wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs the daemon until it ends by itself, for start-up failures.</summary>
    public static QiTech.Os.Platform.ProcessResult RunToEnd(params string[] args) => HostProgram.Run("dotnet", [Dll, .. args], timeoutMs: 60_000);

    public static DaemonProcess Start(SystemLayout layout, params string[] extraArgs) => Start(layout, null, extraArgs);

    /// <summary>Starts the daemon with extra environment variables (<paramref name="env"/>).</summary>
    public static DaemonProcess Start(SystemLayout layout, IDictionary<string, string>? env, params string[] extraArgs)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Where systemd starts it (no WorkingDirectory in its unit).
            WorkingDirectory = "/",
        };
        foreach (var (name, value) in env ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        foreach (var arg in new[] { Dll, "--root", layout.Root, "--embedded" }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        var daemon = new DaemonProcess(layout, process);
        process.OutputDataReceived += (_, e) => daemon.Append(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        daemon.WaitUntilAnswering();
        return daemon;
    }

    public DaemonClient Client() => new(Layout.DaemonSocket, storeDir: Layout.StoreDir);

    /// <summary>A request as any HTTP client could send it, past the typed client's checks: its status and body.</summary>
    public (int Status, string Body) Send(string method, string path, string? json = null)
    {
        string[] body = json == null ? [] : ["-H", "Content-Type: application/json", "--data-raw", json];
        var result = HostProgram.Run("curl", ["-s", "-X", method, "-w", "\n%{http_code}", "--unix-socket", Layout.DaemonSocket, .. body, "http://qitech-osd" + path]);
        var text = result.StdoutText;
        var split = text.LastIndexOf('\n');
        return (int.Parse(text[(split + 1)..], System.Globalization.CultureInfo.InvariantCulture), text[..split]);
    }

    /// <summary>SIGKILL, as a crash or OOM kill would end it; its services are left behind.</summary>
    public void Kill9()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>SIGTERM and wait: a clean shutdown, which stops every service.</summary>
    public void Stop()
    {
        if (_process.HasExited)
        {
            return;
        }
        Posix.Kill(_process.Id, Posix.SIGTERM);
        if (!_process.WaitForExit(60_000))
        {
            _process.Kill();
            throw new TimeoutException("qitech-osd did not stop within a minute:\n" + Output);
        }
    }

    public void Dispose()
    {
        try
        {
            Stop();
        }
        finally
        {
            foreach (var pid in RootProcesses.Of(Layout.Root))
            {
                Posix.Kill(pid, Posix.SIGKILL);
            }
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line != null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private void WaitUntilAnswering()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"qitech-osd exited with {_process.ExitCode}:\n{Output}");
            }
            using var client = DaemonClient.TryConnect(Layout);
            if (client != null)
            {
                try
                {
                    client.StatusAsync().GetAwaiter().GetResult();
                    return;
                }
                catch (HttpRequestException)
                {
                    // Listening but not serving yet.
                }
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException("qitech-osd did not answer within a minute:\n" + Output);
    }
}
