using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections.Features;

namespace QiTech.Os.Daemon;

/// <summary>Who is on the other end of the Unix socket, as the kernel vouches (SO_PEERCRED).</summary>
public readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>Reads the peer of the connection behind <paramref name="context"/>; null when not a Unix socket.</summary>
    public static PeerCredentials? Of(HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(PeerCredentials), out var cached) && cached is PeerCredentials known)
        {
            return known;
        }
        var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket == null || socket.AddressFamily != AddressFamily.Unix)
        {
            return null;
        }
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> buffer = stackalloc byte[12];
        if (socket.GetRawSocketOption(SolSocket, SoPeerCred, buffer) != 12)
        {
            return null;
        }
        var ucred = MemoryMarshal.Cast<byte, int>(buffer);
        var peer = new PeerCredentials(ucred[0], (uint)ucred[1], (uint)ucred[2]);
        context.Items[typeof(PeerCredentials)] = peer;
        return peer;
    }
}
