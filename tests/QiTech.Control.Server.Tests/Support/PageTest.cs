using Bunit;
using Microsoft.Extensions.DependencyInjection;
using QiTech.Control.Server.Daemon;

namespace QiTech.Control.Server.Tests.Support;

/// <summary>A bUnit context whose daemon is <see cref="Daemon"/>.</summary>
public abstract class PageTest : BunitContext
{
    protected PageTest()
    {
        Services.AddSingleton(Daemon);
        ServerHost.AddDaemonInterfaces<FakeDaemon>(Services);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    protected FakeDaemon Daemon { get; } = FakeDaemon.WithMachine();

    protected static QiTech.Os.Client.DaemonUnavailableException Unreachable() =>
        new("/run/qitech-os/daemon.sock", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));

    protected string CurrentUri => Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().Uri;
}
