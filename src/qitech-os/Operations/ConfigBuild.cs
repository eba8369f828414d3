using QiTech.Os.Cli.Commands;
using QiTech.Os.Config;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Operations;

/// <summary>Builds a configuration's system here, for an activation here or in the daemon.</summary>
public static class ConfigBuild
{
    /// <summary>
    /// Builds <paramref name="configFile"/> and roots its system before the build's hold on
    /// collection ends, so no collection ever finds it unrooted; the root lasts until disposed.
    /// </summary>
    public static async Task<TemporaryRoot> BuildHeldAsync(LocalStore store, string configFile, CancellationToken cancel)
    {
        using var unrooted = store.HoldOffGarbageCollection();
        var system = await SystemBuilder.BuildAsync(configFile, ConfigOption.Version(configFile, cancel), store,
            new BuildLogProgress(store.Layout.StoreDir), w => Console.Error.WriteLine("warning: " + w), cancel);
        return TemporaryRoot.Create(store, system);
    }
}
