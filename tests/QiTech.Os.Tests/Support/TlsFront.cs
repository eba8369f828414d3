using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// An https face for a test HTTP server on 127.0.0.1: TLS ends here, with a certificate for
/// 127.0.0.1 issued by a throw-away certificate authority, and the bytes are relayed to the
/// server. Git trusts that authority through <c>GIT_SSL_CAINFO</c> (<see cref="GitEnvironment"/>),
/// the one git setting the update source keeps from its environment.
/// </summary>
public sealed class TlsFront : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly int _backendPort;
    private readonly Task _loop;

    /// <param name="caFile">The file the authority's certificate (PEM) is appended to.</param>
    /// <param name="backend">The http base URL relayed to, e.g. http://127.0.0.1:4711/.</param>
    public TlsFront(string caFile, string backend)
    {
        _backendPort = new Uri(backend).Port;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN=qitech test authority {Guid.NewGuid():N}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Appended, so fronts sharing one file are all trusted.
        File.AppendAllText(caFile, ca.ExportCertificatePem() + "\n");
        CaFile = caFile;

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);
        _certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);

        _listener.Start();
        BaseUrl = $"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
        _loop = Task.Run(AcceptAsync);
    }

    public string BaseUrl { get; }

    public string CaFile { get; }

    /// <summary>What git needs to trust this front.</summary>
    public Dictionary<string, string> GitEnvironment => new() { ["GIT_SSL_CAINFO"] = CaFile };

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(_certificate);
                using var backend = new TcpClient();
                await backend.ConnectAsync(IPAddress.Loopback, _backendPort);
                var plain = backend.GetStream();
                var up = PumpAsync(tls, plain, () => backend.Client.Shutdown(SocketShutdown.Send));
                var down = PumpAsync(plain, tls, () => tls.ShutdownAsync().GetAwaiter().GetResult());
                await Task.WhenAll(up, down);
            }
            catch (Exception e) when (e is IOException or SocketException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                // The client went away or refused the certificate.
            }
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, Action done)
    {
        try
        {
            await from.CopyToAsync(to);
        }
        finally
        {
            try
            {
                done();
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // The other side is gone already.
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _certificate.Dispose();
    }
}
