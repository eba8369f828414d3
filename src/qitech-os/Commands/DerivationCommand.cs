using System.CommandLine;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os derivation …</c>: sandboxed, reproducible package builds.</summary>
public static class DerivationCommand
{
    public static Command Create()
    {
        var command = new Command("derivation", "Build packages in the sandbox and check that rebuilds give the same bits");
        command.Subcommands.Add(DerivationCheckCommand.Create());
        command.Subcommands.Add(DerivationDotnetPublishCommand.Create());
        return command;
    }
}
