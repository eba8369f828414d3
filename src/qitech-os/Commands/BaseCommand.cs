using System.CommandLine;
using QiTech.Os.Base;
using QiTech.Os.Config;
using QiTech.Os.Config.Modules;
using QiTech.Os.Errors;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os base …</c>: the pinned Debian base of a configuration.</summary>
public static class BaseCommand
{
    public const string DefaultConfig = "configuration/machine.yaml";

    /// <summary>The <c>--config</c> of the base subcommands: optional, the repository's machine by default.</summary>
    public static readonly Option<string> Config = new("--config")
    {
        Description = $"The configuration whose system.base is meant (default: {DefaultConfig})",
        DefaultValueFactory = _ => DefaultConfig,
        Recursive = true,
    };

    public static Command Create()
    {
        var command = new Command("base", "The Debian base: resolve and pin it (lock), fetch its .debs into an offline mirror, build its tree offline");
        command.Options.Add(Config);
        command.Subcommands.Add(BaseLockCommand.Create());
        command.Subcommands.Add(BaseMirrorCommand.Create());
        command.Subcommands.Add(BaseBuildCommand.Create());
        return command;
    }

    /// <summary>The base a configuration declares; bad input when it declares none.</summary>
    public static BaseRequest DeclaredBase(string configFile, CancellationToken cancel)
    {
        if (!File.Exists(configFile))
        {
            throw new BadInputException($"{configFile}: no such configuration file");
        }
        var evaluation = SystemBuilder.Evaluate(configFile, ConfigOption.Version(configFile, cancel), new HashingImporter(new Nix.StoreDirectory("/qitech/store")));
        return BaseModule.Request(evaluation.Config)
            ?? throw new BadInputException($"{configFile}: the configuration declares no base (system.base.enable is false)");
    }

    /// <summary>Build and fetch lines go to stderr; stdout keeps the result.</summary>
    public static IProgress<string> Log(string prefix) => new Progress<string>(line => Console.Error.WriteLine(prefix + "> " + line));
}
