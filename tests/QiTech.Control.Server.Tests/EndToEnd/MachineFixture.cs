using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using QiTech.Control.Server.Daemon;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Activation;
using QiTech.Os.Cache;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Sources;
using QiTech.Os.Store;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>
/// A machine for the browser tests: a temp root with two installed generations (v1.0.0,
/// then v2.0.0 current), the real <c>qitech-osd --embedded</c> on it, the real control
/// server talking to it, and Debian's chromium driven by Playwright.
/// </summary>
public sealed class MachineFixture : IAsyncLifetime
{
    private ChildProcess? daemonProcess;
    private ChildProcess? serverProcess;
    private IPlaywright? playwright;
    private int port;

    public MachineRoot Machine { get; } = new();

    /// <summary>The core client on the daemon's socket.</summary>
    public DaemonClient Client { get; private set; } = null!;

    /// <summary>The same daemon as the pages see it.</summary>
    public DaemonGateway Daemon { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The job that installed generation 1.</summary>
    public int FirstJobId { get; private set; }

    public string BaseUrl { get; private set; } = "";

    public string ServerOutput => serverProcess?.Output ?? "";

    public string DaemonOutput => daemonProcess?.Output ?? "";

    /// <summary>Where screenshots go: the test output folder of the repository.</summary>
    public static string ScreenshotDir
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QiTech.Os.slnx")))
            {
                dir = dir.Parent;
            }
            var path = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "artifacts", "test-results", "screenshots");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    public async Task InitializeAsync()
    {
        var first = Machine.AddSystem("v1.0.0");
        var second = Machine.AddSystem("v2.0.0", BundleKey.PublicKey.Render());
        await AddUsbStickAsync();

        daemonProcess = ChildProcess.Start(ChildProcess.BuiltDll("qitech-osd", "qitech-osd"), ["--root", Machine.Root, "--embedded"]);
        Client = new DaemonClient(Machine.Layout.DaemonSocket);
        Daemon = new DaemonGateway(Client);
        await daemonProcess.WaitUntilAsync(async () => await AnswersAsync(Daemon), "qitech-osd");
        FirstJobId = await Daemon.ActivateAsync(new ActivateRequest(Machine.StorePathOf(first), null, ActivationMode.Switch), default);
        await RunJobAsync(FirstJobId);
        await RunJobAsync(await Daemon.ActivateAsync(new ActivateRequest(Machine.StorePathOf(second), null, ActivationMode.Switch), default));

        port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        await StartServerAsync();

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        });
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    /// <summary>The key v2.0.0 trusts bundles of.</summary>
    public NixSecretKey BundleKey { get; } = NixSecretKey.Generate("usb-1");

    /// <summary>A USB stick with a bundle of v3.0.0 signed by <see cref="BundleKey"/>, and one signed by a key the machine does not trust.</summary>
    private async Task AddUsbStickAsync()
    {
        var third = Machine.StorePathOf(Machine.AddSystem("v3.0.0"));
        var version = new VersionInfo("2026-11-20T10:00:00+00:00", MachineRoot.CommitOf("v3.0.0"), "v3.0.0", "https://example.org/machine.git");
        const string Changelog = "# Changelog\n\n## 3.0.0\n- Faster extruder start\n- The winder keeps its speed after a restart\n";
        var stick = Machine.Layout.Physical("/media/usb");
        Directory.CreateDirectory(Path.Combine(stick, "other"));
        using var store = LocalStore.Open(Machine.Layout);
        await Bundle.CreateAsync(store, third, version, null, BundleKey, Path.Combine(stick, "update-v3.0.0.qitech-bundle"), Changelog, default);
        using var stranger = NixSecretKey.Generate("elsewhere-1");
        await Bundle.CreateAsync(store, third, version, null, stranger, Path.Combine(stick, "other", "from-elsewhere.qitech-bundle"), Changelog, default);
    }

    /// <summary>Stops the control server and starts a new one on the same port, as a switch does.</summary>
    public async Task RestartServerAsync()
    {
        serverProcess?.Dispose();
        await StartServerAsync();
    }

    public async Task<IPage> NewPageAsync()
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        page.SetDefaultTimeout(30_000);
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png") });

    /// <summary>
    /// Types into a field until the button it enables is enabled. Fill sends one input event;
    /// on a loaded CI machine that event was once lost on its way to the circuit, and the button
    /// stayed disabled. An operator's keystrokes each carry the whole value, so one lost event
    /// does not matter there; here the fill is repeated instead.
    /// </summary>
    public static async Task FillUntilEnabledAsync(ILocator field, string text, ILocator button)
    {
        const int Attempts = 4;
        for (var attempt = 1; ; attempt++)
        {
            await field.FillAsync(text);
            try
            {
                await Assertions.Expect(button).ToBeEnabledAsync(new() { Timeout = 10_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < Attempts)
            {
                await field.FillAsync("");
            }
        }
    }

    /// <summary>Waits for a daemon job to end and insists it succeeded.</summary>
    public async Task RunJobAsync(int jobId)
    {
        JobJson? job;
        while ((job = await Daemon.GetJobAsync(jobId, default)) is { IsRunning: true })
        {
            await Task.Delay(100);
        }
        Assert.True(job is { Succeeded: true }, $"job {jobId}: {job?.State} {job?.Error}\n{DaemonOutput}");
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
        Machine.Dispose();
    }

    private async Task StartServerAsync()
    {
        serverProcess = ChildProcess.Start(ChildProcess.BuiltDll("QiTech.Control.Server", "qitech-control-server"),
            ["--root", Machine.Root, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var http = new HttpClient();
        await serverProcess.WaitUntilAsync(async () => await HealthyAsync(http), "qitech-control-server");
    }

    private static async Task<bool> AnswersAsync(DaemonGateway daemon)
    {
        try
        {
            await daemon.GetStatusAsync(default);
            return true;
        }
        catch (DaemonUnavailableException)
        {
            return false;
        }
    }

    private async Task<bool> HealthyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync(BaseUrl + "/health")).StatusCode == HttpStatusCode.OK;
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
