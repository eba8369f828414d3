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
/// Before a change, an activation a crash interrupted is finished (<see cref="RecoverAsync"/>).
/// </summary>
public sealed class SystemSession : IDisposable
{
    private bool _recovered;

    private SystemSession(LocalStore store, SystemManager manager, IServiceManager? services)
    {
        Store = store;
        Manager = manager;
        Services = services;
    }

    public LocalStore Store { get; }

    public SystemManager Manager { get; }

    /// <summary>systemd when it is init on the real root, else null (nothing here runs services).</summary>
    public IServiceManager? Services { get; }

    /// <summary>Opens the root's store, recovering nothing: enough to read.</summary>
    public static SystemSession Open(SystemLayout layout)
    {
        var store = LocalStore.Open(layout);
        IServiceManager? services = SystemdServiceManager.IsAvailable(layout) ? new SystemdServiceManager(layout) : null;
        return new SystemSession(store, new SystemManager(layout, new LocalStoreReader(store), services), services);
    }

    /// <summary>Opens the root's store and finishes an interrupted activation: ready to change the system.</summary>
    public static async Task<SystemSession> OpenAsync(ParseResult parse, CancellationToken cancel)
    {
        var session = Open(GlobalOptions.Layout(parse));
        try
        {
            await session.RecoverAsync(cancel);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return session;
    }

    /// <summary>Finishes an activation a crash interrupted, once per session.</summary>
    public async Task RecoverAsync(CancellationToken cancel)
    {
        if (!_recovered && Manager.NeedsRecovery())
        {
            await Manager.RecoverAsync(new Progress<string>(line => Console.Error.WriteLine(line)), cancel);
        }
        _recovered = true;
    }

    public void Dispose() => Store.Dispose();
}
