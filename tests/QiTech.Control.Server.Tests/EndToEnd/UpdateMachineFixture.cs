using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Playwright;
using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Client;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>
/// A machine that updates from git: an empty temp root with the real <c>qitech-osd --embedded</c>,
/// the real control server, chromium, and a repository with three tagged versions whose
/// machine.yaml starts a service telling its version; v2.0.0 builds a small package with a
/// sandboxed script, v3.0.0 one whose build takes minutes (to cancel).
/// </summary>
public class UpdateMachineFixture : IAsyncLifetime
{
    private ChildProcess? daemonProcess;
    private ChildProcess? serverProcess;
    private IPlaywright? playwright;
    private PrivateGitHost? privateHost;

    public MachineRoot Machine { get; } = new();

    public MachineRepository Repository { get; private set; } = null!;

    public DaemonClient Client { get; private set; } = null!;

    /// <summary>An https source that asks for a token (the daemon's git trusts its certificate).</summary>
    public PrivateGitHost PrivateHost => privateHost!;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public string Output => $"--- server ---\n{serverProcess?.Output}\n--- daemon ---\n{daemonProcess?.Output}";

    public async Task InitializeAsync()
    {
        Repository = new MachineRepository(Path.Combine(Machine.Dir, "machine.git"));
        Populate(Repository);
        await StartAsync();
    }

    /// <summary>The versions of the machine's repository.</summary>
    protected virtual void Populate(MachineRepository repository)
    {
        repository.Release("v1.0.0", MachineYaml("v1.0.0"));
        repository.Release("v2.0.0", MachineYaml("v2.0.0") + """
            packages:
              greeter:
                build:
                  source: ./greeter
                  script: |
                    echo compiling the greeter
                    mkdir -p "$out/share"; cp "$src/greeting.txt" "$out/share/"
            environment:
              systemPackages: [greeter]
            """, ("greeter/greeting.txt", "hello from v2\n"));
        repository.Release("v3.0.0", MachineYaml("v3.0.0") + """
            packages:
              slow:
                build:
                  script: |
                    echo compiling for a long time
                    sleep 600
                    mkdir -p "$out"
            environment:
              systemPackages: [slow]
            """);
    }

    private async Task StartAsync()
    {
        privateHost = await PrivateGitHost.StartAsync(Machine.Dir);
        daemonProcess = ChildProcess.Start(ChildProcess.BuiltDll("qitech-osd", "qitech-osd"), ["--root", Machine.Root, "--embedded"],
            new Dictionary<string, string> { ["GIT_SSL_CAINFO"] = privateHost.CaFile });
        Client = new DaemonClient(Machine.Layout.DaemonSocket);
        await daemonProcess.WaitUntilAsync(async () => await AnswersAsync(Client), "qitech-osd");

        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        serverProcess = StartServer(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var http = new HttpClient();
        await serverProcess.WaitUntilAsync(async () => await HealthyAsync(http, BaseUrl), "qitech-control-server");

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        });
        Assertions.SetDefaultExpectTimeout(60_000);
    }

    /// <summary>A machine whose one service logs which version started; <paramref name="system"/> adds lines under <c>system:</c>.</summary>
    protected static string MachineYaml(string version, string system = "") => $"""
        system:
          hostName: machine
        {system}networking:
          firewall:
            enable: false
        systemd:
          services:
            qitech-machine:
              wantedBy: [multi-user.target]
              serviceConfig:
                ExecStart: /bin/sh -c 'echo machine {version} started; exec sleep 100000'

        """;

    public async Task<IPage> NewPageAsync(bool ignoreHttpsErrors = false)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            IgnoreHTTPSErrors = ignoreHttpsErrors,
        });
        page.SetDefaultTimeout(60_000);
        return page;
    }

    /// <summary>
    /// A second server with remote access on (HTTPS, a self-signed certificate, a password),
    /// as a machine reachable from the plant network runs it; disposed by the caller.
    /// </summary>
    public async Task<(ChildProcess Server, string HttpsUrl)> StartRemoteServerAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=qitech-test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(Machine.Dir, "remote.crt");
        var keyPath = Path.Combine(Machine.Dir, "remote.key");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        var loopbackPort = FreePort();
        var remotePort = FreePort();
        var server = StartServer([
            "--port", loopbackPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--ControlServer:Remote:Enabled=true",
            $"--ControlServer:Remote:Port={remotePort}",
            $"--ControlServer:Remote:CertificatePath={certificatePath}",
            $"--ControlServer:Remote:CertificateKeyPath={keyPath}",
            $"--ControlServer:Remote:PasswordHash={Security.PasswordHash.Create("machine-room")}",
        ]);
        using var http = new HttpClient();
        await server.WaitUntilAsync(async () => await HealthyAsync(http, $"http://127.0.0.1:{loopbackPort}"), "qitech-control-server (remote)");
        return (server, $"https://127.0.0.1:{remotePort}");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
        serverProcess?.Dispose();
        Client?.Dispose();
        daemonProcess?.Dispose();
        if (privateHost is not null)
        {
            await privateHost.DisposeAsync();
        }
        Machine.Dispose();
    }

    private ChildProcess StartServer(IEnumerable<string> args) =>
        ChildProcess.Start(ChildProcess.BuiltDll("QiTech.Control.Server", "qitech-control-server"), ["--root", Machine.Root, .. args]);

    private static async Task<bool> AnswersAsync(DaemonClient daemon)
    {
        try
        {
            await daemon.StatusAsync();
            return true;
        }
        catch (DaemonUnavailableException)
        {
            return false;
        }
    }

    private static async Task<bool> HealthyAsync(HttpClient http, string baseUrl)
    {
        try
        {
            return (await http.GetAsync(baseUrl + "/health")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
