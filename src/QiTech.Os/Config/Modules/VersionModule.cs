using QiTech.Os.Sources;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// The version variables: <c>system.version.*</c>, set by the builder from the source's git
/// info, → the closure's <c>qitech-os-release</c> and the environment of every service and
/// login session.
/// </summary>
public sealed class VersionModule : IConfigModule
{
    private static readonly OptionPath Version = OptionPath.Parse("system.version");

    public string Name => "system.version";

    public void Declare(OptionSet options)
    {
        const string set = " Set by the builder from the source's git info.";
        options.Declare("system.version.timestamp", Str, "unknown", "Committer date of the source, ISO 8601 (QITECH_OS_GIT_TIMESTAMP)." + set);
        options.Declare("system.version.commit", Str, "unknown", "Full commit hash of the source (QITECH_OS_GIT_COMMIT)." + set);
        options.Declare("system.version.abbreviation", Str, "unknown", "Exact tag, else branch, else short hash (QITECH_OS_GIT_ABBREVIATION)." + set);
        options.Declare("system.version.url", Str, "unknown", "Repository URL without credentials (QITECH_OS_GIT_URL)." + set);
    }

    /// <summary>The definitions a build adds for its version, named "module version (git)" in errors.</summary>
    public static IReadOnlyList<Definition> Definitions(VersionInfo version)
    {
        var contributions = new ConfigContributions { ModuleName = "system.version (git)" };
        contributions.Set("system.version", new Dictionary<string, object?>
        {
            ["timestamp"] = version.Timestamp,
            ["commit"] = version.Commit,
            ["abbreviation"] = version.Abbreviation,
            ["url"] = version.Url,
        });
        return contributions.Definitions;
    }

    public static VersionInfo Of(EvaluatedConfig config) => new(
        config.String("system.version.timestamp"),
        config.String("system.version.commit"),
        config.String("system.version.abbreviation"),
        config.String("system.version.url"));

    public void Contribute(EvaluatedConfig config, ConfigContributions contributions)
    {
        var variables = new Dictionary<string, object?>();
        foreach (var (key, value) in Of(config).Variables())
        {
            // A git name may hold what /etc/environment cannot ('#', '$', a quote: fix/#42). Login
            // sessions then go without that variable; services still get it from qitech-os-release.
            if (EnvironmentModule.LoginSessionProblem(value) is null)
            {
                variables[key] = value;
            }
        }
        contributions.Set("environment.variables", variables);
    }

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        var text = ReleaseFile.Format(Of(config));
        tree.AddFile(ReleaseFile.FileName, text, config.LocationOf(Version), Version);
        tree.AddFile("etc/" + ReleaseFile.FileName, text, config.LocationOf(Version), Version);
    }
}
