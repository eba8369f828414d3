using System.CommandLine;
using QiTech.Os.Sources;

namespace QiTech.Os.Cli.Commands;

/// <summary>The <c>--config FILE</c> option of the commands that build a system, and the version it gets.</summary>
public static class ConfigOption
{
    public static Option<string> Create() => new("--config")
    {
        Description = "The configuration file (YAML) to build",
        Required = true,
    };

    /// <summary>The git info of the checkout holding the configuration; "unknown" outside one.</summary>
    public static VersionInfo Version(string configFile, CancellationToken cancel) =>
        File.Exists(configFile) ? VersionInfo.FromGit(Path.GetDirectoryName(Path.GetFullPath(configFile))!, cancel) : VersionInfo.Unknown;
}
