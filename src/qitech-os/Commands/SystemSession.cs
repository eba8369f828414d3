using System.CommandLine;
using QiTech.Os.Activation;
using QiTech.Os.Generations;
using QiTech.Os.Services;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// The store and the <see cref="SystemManager"/> a generation command works on, directly
/// under the system lock. Services are driven only where systemd is init on the real root;
/// elsewhere the CLI flips pointers and the daemon starts services when it boots the root.
/// An activation a crash interrupted is finished first.
/// </summary>
public sealed class SystemSession : IDisposable
{
    private SystemSession(LocalStore store, SystemManager manager)
    {
        Store = store;
        Manager = manager;
    }

    public LocalStore Store { get; }

    public SystemManager Manager { get; }

    public static async Task<SystemSession> OpenAsync(ParseResult parse, CancellationToken cancel)
    {
        var layout = GlobalOptions.Layout(parse);
        var store = LocalStore.Open(layout);
        IServiceManager? services = SystemdServiceManager.IsAvailable(layout) ? new SystemdServiceManager(layout) : null;
        var session = new SystemSession(store, new SystemManager(layout, new LocalStoreReader(store), services));
        try
        {
            if (session.Manager.NeedsRecovery())
            {
                await session.Manager.RecoverAsync(new Progress<string>(line => Console.Error.WriteLine(line)), cancel);
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return session;
    }

    public void Dispose() => Store.Dispose();
}
