using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace QiTech.Control.Server.Tests.Support;

/// <summary>
/// An https git host on 127.0.0.1 that asks every caller for credentials and accepts none, as
/// a private repository does before its token is right: git reaches it and is refused access.
/// Its self-signed certificate is in <see cref="CaFile"/> (git's <c>GIT_SSL_CAINFO</c>).
/// </summary>
public sealed class PrivateGitHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private PrivateGitHost(WebApplication app, string caFile, string baseUrl)
    {
        this.app = app;
        CaFile = caFile;
        BaseUrl = baseUrl;
    }

    public string CaFile { get; }

    /// <summary><c>https://127.0.0.1:PORT/</c>.</summary>
    public string BaseUrl { get; }

    public static async Task<PrivateGitHost> StartAsync(string dir)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
        var caFile = Path.Combine(dir, "private-git-ca.pem");
        await File.WriteAllTextAsync(caFile, made.ExportCertificatePem());

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"git\"";
            return Task.CompletedTask;
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var port = new Uri(addresses.First()).Port;
        return new PrivateGitHost(app, caFile, $"https://127.0.0.1:{port}/");
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
