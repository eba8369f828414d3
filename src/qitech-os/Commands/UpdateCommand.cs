using System.CommandLine;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os update …</c>: what the machine can be updated to, and from where.</summary>
public static class UpdateCommand
{
    /// <summary>The source every update subcommand accepts.</summary>
    public static readonly Option<string?> Source = new("--source")
    {
        Description = "Git URL (https, ssh, or a local path) to update from, instead of the machine's",
        Recursive = true,
    };

    public static Command Create()
    {
        var command = new Command("update", "Update from git: set the source, list targets, read changelogs, manage the access token, install, cancel");
        command.Options.Add(Source);
        command.Subcommands.Add(UpdateSourceCommand.Create());
        command.Subcommands.Add(UpdateTargetsCommand.Create());
        command.Subcommands.Add(UpdateChangelogCommand.Create());
        command.Subcommands.Add(UpdateTokenCommand.Create());
        command.Subcommands.Add(UpdateInstallCommand.Create());
        command.Subcommands.Add(UpdateCancelCommand.Create());
        return command;
    }
}
