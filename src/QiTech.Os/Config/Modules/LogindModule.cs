using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary><c>services.logind.settings</c> → <c>etc/systemd/logind.conf.d/qitech.conf</c>.</summary>
public sealed class LogindModule : IConfigModule
{
    private static readonly OptionPath Settings = OptionPath.Parse("services.logind.settings");

    public string Name => "services.logind";

    public void Declare(OptionSet options) =>
        options.Declare("services.logind.settings", AttrsOf(AttrsOf(Scalar)), EmptySet,
            "logind.conf settings by section.", "{ Login: { HandleLidSwitch: ignore, IdleAction: ignore } }");

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        var sections = config.Set("services.logind.settings");
        if (sections.Count == 0)
        {
            return;
        }
        // logind.conf expands no specifiers: values are written as they are.
        var writer = new UnitFileWriter(config, Settings, specifiers: false).Comment("Generated from services.logind.settings");
        foreach (var (section, settings) in sections)
        {
            writer.Section(section, Settings.Append(section));
            foreach (var (key, value) in (IReadOnlyDictionary<string, object?>)settings!)
            {
                writer.Setting(key, value, Settings.Append(section).Append(key));
            }
        }
        tree.AddFile("etc/systemd/logind.conf.d/qitech.conf", writer.ToString(), config.LocationOf(Settings), Settings);
    }
}
