using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary><c>system.hostName</c> → <c>etc/hostname</c>; <c>system.allowedPaths</c>, which <see cref="ConfigRepository"/> reads before evaluation.</summary>
public sealed class SystemModule : IConfigModule
{
    public const string HostNamePattern = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";

    public string Name => "system";

    public void Declare(OptionSet options)
    {
        options.Declare("system.hostName", Matching(HostNamePattern, "host name (lower-case letters, digits and '-', at most 63)"), "qitech",
            "The machine's host name.", "extruder-01");
        options.Declare(ConfigRepository.AllowedPathsOption.ToString(), ListOf(Matching(@"^/[^\n\0]*$", "absolute path")), EmptyList,
            "Files and folders outside the configuration's repository (its git work tree, else the top file's folder) that local paths may name: "
            + "package paths and sources, environment.etc sources. Symlinks are followed before the check; imports never leave the repository. "
            + "Read from the configuration files as written, so a module cannot widen it.",
            "[/opt/vendor/prebuilt]");
    }

    public void Render(EvaluatedConfig config, SystemTree tree) =>
        tree.AddFile("etc/hostname", config.String("system.hostName") + "\n", config.LocationOf(OptionPath.Parse("system.hostName")), OptionPath.Parse("system.hostName"));
}
