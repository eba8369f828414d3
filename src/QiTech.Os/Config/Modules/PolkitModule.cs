using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary><c>security.polkit.extraConfig</c> → <c>etc/polkit-1/rules.d/10-qitech.rules</c>, read by polkitd.</summary>
public sealed class PolkitModule : IConfigModule
{
    public const string RulesPath = "etc/polkit-1/rules.d/10-qitech.rules";
    private static readonly OptionPath ExtraConfig = OptionPath.Parse("security.polkit.extraConfig");

    public string Name => "security.polkit";

    public void Declare(OptionSet options) =>
        options.Declare("security.polkit.extraConfig", Lines, "",
            "polkit rules (JavaScript), as NixOS's option; definitions in several files are joined. polkitd comes with the base when there are any.",
            "polkit.addRule(function(action, subject) { … });");

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (config.String("security.polkit.extraConfig").Length > 0 && BaseModule.Enabled(config))
        {
            contributions.Set("system.base.packages", List("polkitd"));
        }
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        var rules = config.String("security.polkit.extraConfig");
        if (TextChecks.ControlCharacter(rules.Replace("\n", "", StringComparison.Ordinal)) is { } control)
        {
            throw ConfigException.At(config.LocationOf(ExtraConfig), ExtraConfig, "polkit rules cannot hold " + control);
        }
        if (rules.Length > 0)
        {
            tree.AddFile(RulesPath, "// Generated from security.polkit.extraConfig\n" + rules.TrimEnd('\n') + "\n", config.LocationOf(ExtraConfig), ExtraConfig);
        }
    }
}
