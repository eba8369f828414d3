using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary><c>time.timeZone</c> → <c>etc/localtime</c> (a link into tzdata's zoneinfo) and <c>etc/timezone</c>.</summary>
public sealed class TimeModule : IConfigModule
{
    private static readonly OptionPath TimeZone = OptionPath.Parse("time.timeZone");

    public string Name => "time";

    public void Declare(OptionSet options) =>
        options.Declare("time.timeZone", NullOr(Matching(@"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+){0,2}$", "time zone name (Area/City)")), null,
            "The machine's time zone, as in tzdata; null leaves the base's (UTC).", "Europe/Berlin");

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        if (config.NullableString("time.timeZone") is not null && BaseModule.Enabled(config))
        {
            contributions.Set("system.base.packages", List("tzdata"));
        }
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        if (config.NullableString("time.timeZone") is not { } zone)
        {
            return;
        }
        tree.AddSymlink("etc/localtime", "/usr/share/zoneinfo/" + zone, config.LocationOf(TimeZone), TimeZone);
        tree.AddFile("etc/timezone", zone + "\n", config.LocationOf(TimeZone), TimeZone);
    }
}
