using System.Net;
using QiTech.Os.Platform;

namespace QiTech.Control.Server.Security;

/// <summary>
/// The owner of a loopback peer's socket as the kernel reports it (sock_diag): the socket
/// bound to the peer's address and port and connected to ours.
/// </summary>
public sealed class SockDiagConnectionOwner : IConnectionOwner
{
    public uint? FindUid(HttpContext context)
    {
        var connection = context.Connection;
        if (connection.RemoteIpAddress is not { } peer || connection.LocalIpAddress is not { } local)
        {
            return null;
        }
        return TcpSocketOwner.Find(new IPEndPoint(peer, connection.RemotePort), new IPEndPoint(local, connection.LocalPort));
    }
}
