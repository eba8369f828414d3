using System.Net;

namespace QiTech.Control.Server.Security;

/// <summary>
/// Whether a connection comes over the loopback interface, as the socket reports it
/// (forwarded headers are never trusted). An IPv4 address mapped into IPv6, as a dual-stack
/// listener reports it, counts as the IPv4 address.
/// </summary>
public static class LoopbackPeer
{
    public static bool Is(ConnectionInfo connection) =>
        connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
