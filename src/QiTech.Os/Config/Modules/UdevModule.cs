using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary><c>services.udev.extraRules</c> → <c>etc/udev/rules.d/99-qitech.rules</c>.</summary>
public sealed class UdevModule : IConfigModule
{
    private static readonly OptionPath ExtraRules = OptionPath.Parse("services.udev.extraRules");

    public string Name => "services.udev";

    public void Declare(OptionSet options) =>
        options.Declare("services.udev.extraRules", Lines, "",
            "udev rules, one per line; definitions in several files are joined.",
            "SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"0403\", GROUP=\"dialout\", MODE=\"0660\"");

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        var rules = config.String("services.udev.extraRules");
        // Rules are udev syntax (a trailing backslash continues a rule on purpose); only
        // characters no rules file holds are refused.
        if (TextChecks.ControlCharacter(rules.Replace("\n", "", StringComparison.Ordinal)) is { } control)
        {
            throw ConfigException.At(config.LocationOf(ExtraRules), ExtraRules, "udev rules cannot hold " + control);
        }
        if (rules.Length > 0)
        {
            tree.AddFile("etc/udev/rules.d/99-qitech.rules", "# Generated from services.udev.extraRules\n" + rules.TrimEnd('\n') + "\n",
                config.LocationOf(ExtraRules), ExtraRules);
        }
    }
}
