using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using QiTech.Control.Server.Daemon;

namespace QiTech.Control.Server.Tests.Support;

/// <summary>
/// The real server pipeline (auth, antiforgery, endpoints) in memory, on <see cref="FakeDaemon"/>.
/// Each request says which peer it comes from through the <see cref="PeerHeader"/> and which
/// local user owns its socket through the <see cref="UidHeader"/> (the in-memory connection
/// has no socket to ask the kernel about), which only this test host reads; the server's real
/// policy judges that user. Every log line is kept in <see cref="Logs"/>.
/// </summary>
public sealed class TestHost : IAsyncDisposable
{
    public const string PeerHeader = "X-Test-Peer";
    public const string UidHeader = "X-Test-Uid";

    /// <summary>A local user the policy does not admit: not root, not the daemon's user, in no admitted group.</summary>
    public const uint OtherLocalUser = 65534;
    public const string Password = "correct horse battery staple";

    // Hashing is slow on purpose; once per test run is enough.
    private static readonly Lazy<string> PasswordHashOfPassword = new(() => Security.PasswordHash.Create(Password));

    private readonly WebApplication app;

    private TestHost(WebApplication app, FakeDaemon daemon, CapturingLoggerProvider logs)
    {
        this.app = app;
        Daemon = daemon;
        Logs = logs;
    }

    public FakeDaemon Daemon { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<TestHost> StartAsync(bool remote = true)
    {
        var args = new List<string> { "--environment", "Production" };
        if (remote)
        {
            var certificate = Path.Combine(Path.GetTempPath(), "qitech-test-cert.pem");
            await File.WriteAllTextAsync(certificate, "not read: the test server has no TLS listener");
            args.AddRange([
                "--ControlServer:Remote:Enabled=true",
                $"--ControlServer:Remote:CertificatePath={certificate}",
                $"--ControlServer:Remote:PasswordHash={PasswordHashOfPassword.Value}",
            ]);
        }
        var builder = ServerHost.CreateBuilder([.. args]);
        builder.WebHost.UseTestServer();
        var daemon = FakeDaemon.WithMachine();
        builder.Services.RemoveAll<DaemonGateway>();
        builder.Services.AddSingleton(daemon);
        ServerHost.AddDaemonInterfaces<FakeDaemon>(builder.Services);
        var logs = new CapturingLoggerProvider();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.Logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
        builder.Services.AddSingleton<IStartupFilter>(new PeerFromHeader());
        builder.Services.RemoveAll<Security.IConnectionOwner>();
        builder.Services.AddSingleton<Security.IConnectionOwner, OwnerFromHeader>();
        var app = ServerHost.Build(builder);
        await app.StartAsync();
        return new TestHost(app, daemon, logs);
    }

    /// <summary>
    /// A client speaking as <paramref name="peer"/> whose socket belongs to <paramref name="uid"/>
    /// (root, the machine's own screen, unless told otherwise), keeping cookies like a browser.
    /// </summary>
    public HttpClient Client(string peer = "127.0.0.1", uint uid = 0)
    {
        var handler = new CookieJar(app.GetTestServer().CreateHandler());
        var client = new HttpClient(handler) { BaseAddress = new Uri("http://localhost") };
        client.DefaultRequestHeaders.Add(PeerHeader, peer);
        client.DefaultRequestHeaders.Add(UidHeader, uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed class PeerFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers[PeerHeader].ToString() is { Length: > 0 } peer ? peer : "127.0.0.1");
                return following(context);
            });
            next(app);
        };
    }

    private sealed class OwnerFromHeader : Security.IConnectionOwner
    {
        public uint? FindUid(HttpContext context) =>
            uint.TryParse(context.Request.Headers[UidHeader].ToString(), System.Globalization.CultureInfo.InvariantCulture, out var uid) ? uid : null;
    }

    private sealed class CookieJar(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly CookieContainer cookies = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var header = cookies.GetCookieHeader(uri);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                foreach (var cookie in set)
                {
                    cookies.SetCookies(uri, cookie);
                }
            }
            return response;
        }
    }
}
