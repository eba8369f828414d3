using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace QiTech.Os.Platform;

/// <summary>
/// Which user owns a TCP socket of this machine, as the kernel reports it through
/// NETLINK_SOCK_DIAG (what <c>ss -e</c> shows as <c>uid:</c>). A server asks it about the
/// other end of a loopback connection: that socket is the one whose own address is the
/// peer's and whose remote address is the server's. The kernel fills in the owner when the
/// socket is created; a process cannot claim another user's.
/// </summary>
public static unsafe partial class TcpSocketOwner
{
    private const int AfNetlink = 16;
    private const int SockDgram = 2;
    private const int SockCloExec = 0x80000;
    private const int NetlinkSockDiag = 4;
    private const ushort SockDiagByFamily = 20;
    private const ushort NlmFRequest = 1;
    private const ushort NlmsgError = 2;
    private const byte IpProtoTcp = 6;
    private const int MsgDontWait = 0x40;
    private const int ENOENT = 2;

    // struct nlmsghdr (16) + struct inet_diag_req_v2 (8 + struct inet_diag_sockid (48)).
    private const int HeaderSize = 16;
    private const int RequestSize = HeaderSize + 56;
    // struct inet_diag_msg: family, state, timer, retrans, sockid (48), expires, rqueue, wqueue, uid, inode.
    private const int SockIdOffset = 4;
    private const int UidOffset = 64;
    private const int InodeOffset = 68;
    private const int DiagMessageSize = 72;

    /// <summary>
    /// The owner of the TCP socket bound to <paramref name="socketAddress"/> and connected to
    /// <paramref name="connectedTo"/>; null when there is none or no process holds it any more
    /// (the connection has closed).
    /// An IPv4 connection is found whether either end holds an IPv4 socket or an IPv6 one
    /// with mapped addresses.
    /// </summary>
    /// <exception cref="IOException">The kernel does not answer sock_diag requests.</exception>
    public static uint? Find(IPEndPoint socketAddress, IPEndPoint connectedTo)
    {
        var local = Unmapped(socketAddress.Address);
        var remote = Unmapped(connectedTo.Address);
        if (local.AddressFamily != remote.AddressFamily)
        {
            return null;
        }
        var v4 = local.AddressFamily == AddressFamily.InterNetwork;
        return Query(local.AddressFamily, local, socketAddress.Port, remote, connectedTo.Port)
            ?? (v4 ? Query(AddressFamily.InterNetworkV6, local.MapToIPv6(), socketAddress.Port, remote.MapToIPv6(), connectedTo.Port) : null);
    }

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static uint? Query(AddressFamily family, IPAddress source, int sourcePort, IPAddress destination, int destinationPort)
    {
        var request = new byte[RequestSize];
        var r = request.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(r, RequestSize);
        BinaryPrimitives.WriteUInt16LittleEndian(r[4..], SockDiagByFamily);
        BinaryPrimitives.WriteUInt16LittleEndian(r[6..], NlmFRequest);
        BinaryPrimitives.WriteUInt32LittleEndian(r[8..], 1);
        var req = r[HeaderSize..];
        req[0] = family == AddressFamily.InterNetwork ? (byte)2 : (byte)10;
        req[1] = IpProtoTcp;
        BinaryPrimitives.WriteUInt32LittleEndian(req[4..], uint.MaxValue); // every state
        WriteSockId(req[8..], source, sourcePort, destination, destinationPort);
        // No cookie: INET_DIAG_NOCOOKIE.
        BinaryPrimitives.WriteUInt32LittleEndian(req[(8 + 40)..], uint.MaxValue);
        BinaryPrimitives.WriteUInt32LittleEndian(req[(8 + 44)..], uint.MaxValue);

        var fd = socket(AfNetlink, SockDgram | SockCloExec, NetlinkSockDiag);
        if (fd < 0)
        {
            throw Posix.Error("cannot open a NETLINK_SOCK_DIAG socket", "sock_diag");
        }
        try
        {
            // struct sockaddr_nl { family, pad, pid = 0 (the kernel), groups }.
            var kernel = stackalloc byte[12];
            new Span<byte>(kernel, 12).Clear();
            kernel[0] = AfNetlink;
            fixed (byte* p = request)
            {
                if (sendto(fd, p, RequestSize, 0, kernel, 12) != RequestSize)
                {
                    throw Posix.Error("cannot send a request", "sock_diag");
                }
            }
            // The kernel answers within sendto: the reply is queued before it returns.
            var reply = new byte[8192];
            nint n;
            fixed (byte* p = reply)
            {
                n = recv(fd, p, reply.Length, MsgDontWait);
            }
            if (n < 0)
            {
                throw Posix.Error("no answer", "sock_diag");
            }
            return Parse(reply.AsSpan(0, (int)n), (sourcePort, destinationPort, Unmapped(source), Unmapped(destination)));
        }
        finally
        {
            Posix.close(fd);
        }
    }

    private static void WriteSockId(Span<byte> id, IPAddress source, int sourcePort, IPAddress destination, int destinationPort)
    {
        BinaryPrimitives.WriteUInt16BigEndian(id, (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(id[2..], (ushort)destinationPort);
        source.TryWriteBytes(id[4..20], out _);
        destination.TryWriteBytes(id[20..36], out _);
    }

    /// <summary>The uid of the answer whose ports and addresses are those asked for, if a process holds that socket.</summary>
    private static uint? Parse(ReadOnlySpan<byte> reply, (int, int, IPAddress, IPAddress) asked)
    {
        if (reply.Length < HeaderSize)
        {
            return null;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(reply);
        var type = BinaryPrimitives.ReadUInt16LittleEndian(reply[4..]);
        if (type == NlmsgError)
        {
            var error = reply.Length >= HeaderSize + 4 ? -BinaryPrimitives.ReadInt32LittleEndian(reply[HeaderSize..]) : 0;
            if (error == ENOENT)
            {
                return null;
            }
            throw new IOException($"sock_diag: the kernel refused the request: {Marshal.GetPInvokeErrorMessage(error)}", error);
        }
        if (type != SockDiagByFamily || length < HeaderSize + DiagMessageSize || reply.Length < HeaderSize + DiagMessageSize)
        {
            return null;
        }
        var message = reply[HeaderSize..];
        // A socket no process holds any more (closed, in TIME_WAIT or an orphaned FIN_WAIT2)
        // has no inode and reports uid 0: it must not pass for root's.
        var held = BinaryPrimitives.ReadUInt32LittleEndian(message[InodeOffset..]) != 0;
        return held && SockId(message[0], message[SockIdOffset..]).Equals(asked)
            ? BinaryPrimitives.ReadUInt32LittleEndian(message[UidOffset..])
            : null;
    }

    /// <summary>Ports and addresses of a struct inet_diag_sockid, IPv4-mapped addresses as IPv4.</summary>
    private static (int, int, IPAddress, IPAddress) SockId(byte family, ReadOnlySpan<byte> id)
    {
        var size = family == 2 ? 4 : 16;
        return (BinaryPrimitives.ReadUInt16BigEndian(id), BinaryPrimitives.ReadUInt16BigEndian(id[2..]),
            Unmapped(new IPAddress(id.Slice(4, size))), Unmapped(new IPAddress(id.Slice(20, size))));
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendto(int fd, byte* buffer, nint length, int flags, byte* address, int addressLength);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, byte* buffer, nint length, int flags);
}
