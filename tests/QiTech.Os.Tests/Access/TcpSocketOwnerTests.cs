using System.Net;
using System.Net.Sockets;
using QiTech.Os.Platform;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Access;

/// <summary>The owner of a loopback connection's other end, as the kernel reports it (compared with what the test knows it ran).</summary>
public sealed class TcpSocketOwnerTests
{
    private static uint? OwnerOfPeer(Socket accepted) =>
        TcpSocketOwner.Find((IPEndPoint)accepted.RemoteEndPoint!, (IPEndPoint)accepted.LocalEndPoint!);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Should_find_this_process_as_the_owner_of_its_own_client_socket(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        using var client = new TcpClient(listener.LocalEndpoint.AddressFamily);
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        using var accepted = await listener.AcceptSocketAsync();

        Assert.Equal(Posix.GetEffectiveUserId(), OwnerOfPeer(accepted));
        // The listening side's own socket is not the peer's.
        Assert.Null(TcpSocketOwner.Find((IPEndPoint)accepted.LocalEndPoint!, new IPEndPoint(IPAddress.Parse(address), 1)));
    }

    [Fact]
    public async Task Should_find_an_ipv4_client_of_a_dual_stack_listener()
    {
        using var listener = new TcpListener(IPAddress.IPv6Any, 0);
        listener.Server.DualMode = true;
        listener.Start();
        using var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptSocketAsync();

        Assert.True(((IPEndPoint)accepted.RemoteEndPoint!).Address.IsIPv4MappedToIPv6);
        Assert.Equal(Posix.GetEffectiveUserId(), OwnerOfPeer(accepted));
    }

    [Fact]
    public async Task Should_find_nobody_once_the_client_has_closed_its_socket()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        using var accepted = await listener.AcceptSocketAsync();
        Assert.NotNull(OwnerOfPeer(accepted));

        // The closed end lingers in FIN_WAIT2 or TIME_WAIT, which the kernel reports as uid 0.
        client.Dispose();
        await Task.Delay(100);

        Assert.Null(OwnerOfPeer(accepted));
    }

    [RootFact]
    public async Task Should_find_the_user_a_client_process_runs_as()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var curl = Task.Run(() => HostProgram.Run("setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", "curl", "-s", "-m", "30", $"http://127.0.0.1:{port}/"]));
        using var accepted = await listener.AcceptSocketAsync();
        var request = new byte[4096];
        await accepted.ReceiveAsync(request);

        var owner = OwnerOfPeer(accepted);
        await accepted.SendAsync("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"u8.ToArray());
        accepted.Shutdown(SocketShutdown.Both);
        await curl;

        Assert.Equal(65534u, owner);
    }
}
