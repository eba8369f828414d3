using System.Globalization;

namespace QiTech.Os.Sources;

/// <summary>
/// Where an http(s) source's requests go, as browsers scope secrets: scheme, host and port
/// (the scheme's default port filled in, the host in lower case). The access token belongs to
/// one origin and is given to git only for a source of that same origin.
/// </summary>
public readonly record struct SourceOrigin
{
    private SourceOrigin(string scheme, string host, int port)
    {
        Scheme = scheme;
        Host = host;
        Port = port;
    }

    public string Scheme { get; }

    /// <summary>The host as a URL writes it (an IPv6 address in brackets), in lower case.</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>True when requests to this origin are encrypted, the only kind a token is sent with.</summary>
    public bool IsHttps => Scheme == "https";

    /// <summary>The origin of an http or https URL; false for other schemes and malformed URLs.</summary>
    public static bool TryOf(string url, out SourceOrigin origin)
    {
        origin = default;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            return false;
        }
        var host = uri.HostNameType == UriHostNameType.IPv6 ? "[" + uri.IdnHost.Trim('[', ']') + "]" : uri.IdnHost;
        origin = new SourceOrigin(uri.Scheme, host.ToLowerInvariant(), uri.Port);
        return true;
    }

    /// <summary>Reads what <see cref="ToString"/> wrote; false for anything else.</summary>
    public static bool TryParse(string text, out SourceOrigin origin) =>
        TryOf(text, out origin) && origin.ToString() == text;

    public override string ToString() =>
        Scheme is null ? "" : $"{Scheme}://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
