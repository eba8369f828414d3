namespace QiTech.Control.Server.Security;

/// <summary>
/// Which local user opened the connection a request came on. The server asks the kernel
/// (<see cref="SockDiagConnectionOwner"/>); the in-memory test server, whose connections
/// have no socket, replaces it.
/// </summary>
public interface IConnectionOwner
{
    /// <summary>The uid owning the peer's socket of a loopback connection; null when the kernel knows none.</summary>
    /// <exception cref="IOException">The kernel could not be asked.</exception>
    uint? FindUid(HttpContext context);
}
