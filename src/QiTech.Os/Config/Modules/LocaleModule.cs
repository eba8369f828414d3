using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>i18n.defaultLocale</c> → <c>etc/locale.conf</c> and <c>etc/default/locale</c> (systemd and
/// pam_env read one each); any locale but C's needs Debian's precompiled locales (locales-all:
/// /usr is read-only, so nothing is generated on the machine), as the original's supportedLocales = all.
/// </summary>
public sealed class LocaleModule : IConfigModule
{
    private static readonly OptionPath DefaultLocale = OptionPath.Parse("i18n.defaultLocale");

    public string Name => "i18n";

    public void Declare(OptionSet options) =>
        options.Declare("i18n.defaultLocale", NullOr(Matching(@"^[A-Za-z]{1,8}(_[A-Z]{2})?(\.[A-Za-z0-9-]+)?(@[a-z]+)?$", "locale name")), null,
            "The locale of every service and login session (LANG); null leaves the base's (C.UTF-8 for Debian's minbase).", "en_US.UTF-8");

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (config.NullableString("i18n.defaultLocale") is { } locale && !IsBuiltIn(locale) && BaseModule.Enabled(config))
        {
            contributions.Set("system.base.packages", List("locales-all"));
        }
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        if (config.NullableString("i18n.defaultLocale") is not { } locale)
        {
            return;
        }
        var text = "# Generated from i18n.defaultLocale\nLANG=" + locale + "\n";
        tree.AddFile("etc/locale.conf", text, config.LocationOf(DefaultLocale), DefaultLocale);
        tree.AddFile("etc/default/locale", text, config.LocationOf(DefaultLocale), DefaultLocale);
    }

    // glibc has these without any locale data.
    private static bool IsBuiltIn(string locale) => locale is "C" or "POSIX" or "C.UTF-8" or "C.utf8";
}
