using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Client;
using QiTech.Os.Health;
using QiTech.Os.Jobs;

namespace QiTech.Control.Server.Tests.EndToEnd;

/// <summary>
/// The attack of a local shell account on the real daemon and server (remote access on): as
/// <c>nobody</c>, get an antiforgery token, point the update source at a repository and
/// install from it — which would run that repository's services as root. The server must
/// refuse what the daemon would refuse <c>nobody</c>; root, whom the daemon admits, does the
/// same steps and they work. And a page of another site, rebound to 127.0.0.1, is refused.
/// </summary>
public sealed class LocalUserTests : IAsyncLifetime
{
    private readonly MachineRoot machine = new();
    private readonly string shared = Directory.CreateTempSubdirectory("qitech-shared-").FullName;
    private ChildProcess? daemon;
    private ChildProcess? server;
    private DaemonClient client = null!;
    private string baseUrl = "";
    private MachineRepository repository = null!;

    private string Output => $"--- server ---\n{server?.Output}\n--- daemon ---\n{daemon?.Output}";

    public async Task InitializeAsync()
    {
        // A repository and a cookie jar any user can read and write, as an attacker's would be.
        File.SetUnixFileMode(shared, (UnixFileMode)0x1FF);
        repository = new MachineRepository(Path.Combine(shared, "machine.git"));
        repository.Release("v1.0.0", """
            system:
              hostName: machine
            networking:
              firewall:
                enable: false
            systemd:
              services:
                payload:
                  wantedBy: [multi-user.target]
                  serviceConfig:
                    ExecStart: /bin/sh -c 'id -u; exec sleep 100000'

            """);
        ProcessRun("chmod", "-R", "a+rwX", shared);

        daemon = ChildProcess.Start(ChildProcess.BuiltDll("qitech-osd", "qitech-osd"), ["--root", machine.Root, "--embedded"]);
        client = new DaemonClient(machine.Layout.DaemonSocket);
        await daemon.WaitUntilAsync(async () => await AnswersAsync(), "qitech-osd");

        var port = FreePort();
        baseUrl = $"http://127.0.0.1:{port}";
        var (certificate, key) = await WriteCertificateAsync();
        server = ChildProcess.Start(ChildProcess.BuiltDll("QiTech.Control.Server", "qitech-control-server"), [
            "--root", machine.Root, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--ControlServer:Remote:Enabled=true",
            $"--ControlServer:Remote:Port={FreePort()}",
            $"--ControlServer:Remote:CertificatePath={certificate}",
            $"--ControlServer:Remote:CertificateKeyPath={key}",
            $"--ControlServer:Remote:PasswordHash={Security.PasswordHash.Create("machine-room")}",
        ]);
        using var http = new HttpClient();
        await server.WaitUntilAsync(async () => await HealthyAsync(http), "qitech-control-server");
    }

    [RootFact]
    public async Task Nobody_cannot_change_the_update_source_or_install_but_root_can()
    {
        var asNobody = Attack("nobody");
        var sourceAfterNobody = (await client.UpdateSourceAsync()).Url;
        var jobsAfterNobody = await client.JobsAsync();

        Assert.True(asNobody.Antiforgery.Status is 401 or 403, $"GET /api/antiforgery as nobody: {asNobody.Antiforgery}\n{Output}");
        Assert.True(asNobody.SetSource.Status is 401 or 403, $"PUT /api/update/source as nobody: {asNobody.SetSource}\n{Output}");
        Assert.True(asNobody.Install.Status is 401 or 403, $"POST /api/update/install as nobody: {asNobody.Install}\n{Output}");
        Assert.Null(sourceAfterNobody);
        Assert.Empty(jobsAfterNobody);

        var asRoot = Attack("root");

        Assert.Equal(200, asRoot.Antiforgery.Status);
        Assert.True(asRoot.SetSource.Status == 200, $"{asRoot.SetSource}\n{Output}");
        Assert.True(asRoot.Install.Status == 202, $"{asRoot.Install}\n{Output}");
        Assert.Equal(repository.Path, (await client.UpdateSourceAsync()).Url);
        var job = (await client.JobsAsync()).Single();
        Assert.Equal(JobKind.Update, job.Kind);
        var done = await client.WaitForJobAsync(job.Id, null);
        Assert.True(done.State == JobState.Succeeded, $"{done.State} {done.Error}\n{Output}");
    }

    [RootFact]
    public void A_rebound_host_name_is_refused_on_loopback_with_remote_access_on()
    {
        var rebound = Curl("root", "-H", "Host: evil.example", $"{baseUrl}/api/status");
        var own = Curl("root", $"{baseUrl}/api/status");

        Assert.Equal(400, rebound.Status);
        Assert.Contains("must name localhost, 127.0.0.1 or [::1]", rebound.Body);
        Assert.Equal(200, own.Status);
    }

    /// <summary>The issue's steps, as <paramref name="user"/> with curl: a token, the source, an install.</summary>
    private (Answer Antiforgery, Answer SetSource, Answer Install) Attack(string user)
    {
        var jar = Path.Combine(shared, user + ".cookies");
        var antiforgery = Curl(user, "-c", jar, "-b", jar, $"{baseUrl}/api/antiforgery");
        var token = System.Text.RegularExpressions.Regex.Match(antiforgery.Body, "\"token\":\"([^\"]*)\"").Groups[1].Value;
        string[] json = ["-c", jar, "-b", jar, "-H", $"X-CSRF-TOKEN: {token}", "-H", "Content-Type: application/json"];
        var setSource = Curl(user, [.. json, "-X", "PUT", "-d", $"{{\"url\":\"{repository.Path}\"}}", $"{baseUrl}/api/update/source"]);
        var install = Curl(user, [.. json, "-X", "POST", "-d", "{\"ref\":\"v1.0.0\",\"mode\":\"switch\"}", $"{baseUrl}/api/update/install"]);
        return (antiforgery, setSource, install);
    }

    private sealed record Answer(int Status, string Body)
    {
        public override string ToString() => $"{Status} {Body}";
    }

    /// <summary>curl run as <paramref name="user"/> (through setpriv, with no supplementary groups).</summary>
    private static Answer Curl(string user, params string[] args)
    {
        var (uid, gid) = user == "root" ? ("0", "0") : ("65534", "65534");
        var output = ProcessRun("setpriv", [$"--reuid={uid}", $"--regid={gid}", "--clear-groups", "curl", "-s", "-w", "\n%{http_code}", .. args]);
        var cut = output.LastIndexOf('\n');
        return new Answer(int.Parse(output[(cut + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture), output[..cut]);
    }

    private static string ProcessRun(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: exit {process.ExitCode}: {error}");
        return output.Result;
    }

    private async Task<(string Certificate, string Key)> WriteCertificateAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=qitech-test", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(machine.Dir, "remote.crt");
        var keyPath = Path.Combine(machine.Dir, "remote.key");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            await client.StatusAsync();
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

    public Task DisposeAsync()
    {
        server?.Dispose();
        client?.Dispose();
        daemon?.Dispose();
        machine.Dispose();
        Directory.Delete(shared, recursive: true);
        return Task.CompletedTask;
    }
}
