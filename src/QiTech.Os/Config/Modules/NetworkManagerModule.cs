using System.Text;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>networking.networkmanager</c> → <c>etc/NetworkManager/conf.d/qitech.conf</c>, and Debian's
/// network-manager in the base (its package enables the service).
/// </summary>
public sealed class NetworkManagerModule : IConfigModule
{
    public const string ConfigPath = "etc/NetworkManager/conf.d/qitech.conf";
    private static readonly OptionPath NetworkManager = OptionPath.Parse("networking.networkmanager");

    public string Name => "networking.networkmanager";

    public void Declare(OptionSet options)
    {
        options.Declare("networking.networkmanager.enable", Bool, false, "Let NetworkManager configure the network (Debian's network-manager).");
        options.Declare("networking.networkmanager.unmanaged",
            ListOf(Matching(@"^(\*|(interface-name|mac|type|driver|except|s390-subchannels):[A-Za-z0-9_.:*?,\[\]-]+)$", "NetworkManager device spec")), EmptyList,
            "Devices NetworkManager leaves alone (unmanaged-devices), as device specs.", "[\"type:ethernet\", \"interface-name:enp3s0\"]");
    }

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (config.Bool("networking.networkmanager.enable") && BaseModule.Enabled(config))
        {
            contributions.Set("system.base.packages", List("network-manager"));
        }
    }

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        if (!config.Bool("networking.networkmanager.enable") && config.List("networking.networkmanager.unmanaged").Count > 0)
        {
            checks.Warn(NetworkManager.Append("unmanaged"), "NetworkManager is not enabled, so this list does nothing");
        }
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        if (!config.Bool("networking.networkmanager.enable"))
        {
            return;
        }
        var text = new StringBuilder("# Generated from networking.networkmanager\n");
        var unmanaged = config.Strings("networking.networkmanager.unmanaged");
        if (unmanaged.Count > 0)
        {
            text.Append("[keyfile]\nunmanaged-devices=").Append(string.Join(';', unmanaged)).Append('\n');
        }
        tree.AddFile(ConfigPath, text.ToString(), config.LocationOf(NetworkManager), NetworkManager);
    }
}
