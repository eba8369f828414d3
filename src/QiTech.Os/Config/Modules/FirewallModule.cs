using System.Text;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>networking.firewall</c> → an nftables ruleset at <c>etc/nftables/qitech-firewall.nft</c>
/// (drop what is not allowed, keep what is established) and the oneshot unit that loads it;
/// the unit restarts when the ruleset changes.
/// </summary>
public sealed class FirewallModule : IConfigModule
{
    public const string RulesetPath = "etc/nftables/qitech-firewall.nft";
    private static readonly OptionPath Firewall = OptionPath.Parse("networking.firewall");

    public string Name => "networking.firewall";

    public void Declare(OptionSet options)
    {
        options.Declare("networking.firewall.enable", Bool, true, "Drop incoming connections except those allowed here.");
        options.Declare("networking.firewall.allowedTCPPorts", ListOf(Port), EmptyList, "TCP ports open to the network.", "[22, 3001]");
        options.Declare("networking.firewall.allowedUDPPorts", ListOf(Port), EmptyList, "UDP ports open to the network.", "[5353]");
        options.Declare("networking.firewall.allowPing", Bool, true, "Answer ICMP echo requests.");
        options.Declare("networking.firewall.nftProgram", AbsolutePath, "/usr/sbin/nft", "The nft program that loads the ruleset.");
    }

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (!config.Bool("networking.firewall.enable"))
        {
            return;
        }
        var nft = config.String("networking.firewall.nftProgram");
        if (BaseModule.Enabled(config))
        {
            // nft resolves protocol names (ipv6-icmp) through netbase's /etc/protocols.
            contributions.Set("system.base.packages", List("nftables", "netbase"));
        }
        contributions.Set("systemd.services.qitech-firewall", new Dictionary<string, object?>
        {
            ["description"] = "QiTech firewall (nftables)",
            ["wantedBy"] = List("multi-user.target"),
            ["before"] = List("network-pre.target"),
            ["wants"] = List("network-pre.target"),
            ["restartTriggers"] = List(Ruleset(config)),
            ["unitConfig"] = new Dictionary<string, object?> { ["DefaultDependencies"] = false },
            ["serviceConfig"] = new Dictionary<string, object?>
            {
                ["Type"] = "oneshot",
                ["RemainAfterExit"] = true,
                ["ExecStart"] = $"{nft} -f /{RulesetPath}",
                ["ExecStop"] = $"{nft} delete table inet qitech-firewall",
            },
        });
    }

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        if (!config.Bool("networking.firewall.enable") && config.List("networking.firewall.allowedTCPPorts").Count > 0)
        {
            checks.Warn(Firewall.Append("allowedTCPPorts"), "the firewall is disabled, so every port is open anyway");
        }
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        if (config.Bool("networking.firewall.enable"))
        {
            tree.AddFile(RulesetPath, Ruleset(config), config.LocationOf(Firewall), Firewall);
        }
    }

    /// <summary>The ruleset: replaces only its own table, so other tables (containers, VPNs) stay.</summary>
    public static string Ruleset(EvaluatedConfig config)
    {
        var tcp = config.List("networking.firewall.allowedTCPPorts").Cast<long>().Distinct().Order().ToList();
        var udp = config.List("networking.firewall.allowedUDPPorts").Cast<long>().Distinct().Order().ToList();
        var text = new StringBuilder();
        text.Append("# Generated from networking.firewall\n");
        text.Append("table inet qitech-firewall\n");
        text.Append("delete table inet qitech-firewall\n");
        text.Append("table inet qitech-firewall {\n");
        text.Append("  chain input {\n");
        text.Append("    type filter hook input priority filter; policy drop;\n");
        text.Append("    ct state vmap { established : accept, related : accept, invalid : drop }\n");
        text.Append("    iifname \"lo\" accept\n");
        text.Append("    meta l4proto ipv6-icmp icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } accept\n");
        if (config.Bool("networking.firewall.allowPing"))
        {
            text.Append("    icmp type echo-request accept\n");
            text.Append("    icmpv6 type echo-request accept\n");
        }
        if (tcp.Count > 0)
        {
            text.Append("    tcp dport { ").Append(string.Join(", ", tcp)).Append(" } accept\n");
        }
        if (udp.Count > 0)
        {
            text.Append("    udp dport { ").Append(string.Join(", ", udp)).Append(" } accept\n");
        }
        text.Append("  }\n");
        text.Append("}\n");
        return text.ToString();
    }
}
