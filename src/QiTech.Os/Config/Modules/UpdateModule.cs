using QiTech.Os.Sources;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// Where the machine updates from: <c>system.update.source</c> and <c>system.update.configFile</c>
/// → the closure's <c>update-settings</c>, which the daemon and the CLI read from the running
/// system when a request names neither (an override set from the UI still wins over the source).
/// </summary>
public sealed class UpdateModule : IConfigModule
{
    private static readonly OptionPath Source = OptionPath.Parse("system.update.source");
    private static readonly OptionPath ConfigFile = OptionPath.Parse("system.update.configFile");

    public string Name => "system.update";

    public void Declare(OptionSet options)
    {
        options.Declare("system.update.source", NullOr(Str), null,
            "The git repository this machine updates from (https, ssh or a local path); null: the one the running system was built from.",
            "https://git.example.com/machines/extruder.git");
        options.Declare("system.update.configFile", NullOr(Matching(@"^(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*\.ya?ml$", "relative path of a YAML file")),
            null, "The configuration file an update builds, relative to the root of the chosen commit; null: machine.yaml there, else configuration/machine.yaml.", "configuration/machine.yaml");
    }

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        if (config.Get(Source) is string url)
        {
            checks.Assert(SourceUrl.TryParse(url, out _, out var error), Source, $"'{GitRefName.Printable(url)}' {error.Describe()}");
        }
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        var settings = new UpdateSettingsFile(config.Get(Source) as string, config.Get(ConfigFile) as string);
        tree.AddFile(UpdateSettingsFile.FileName, settings.Format(), config.LocationOf(ConfigFile), ConfigFile);
    }
}
