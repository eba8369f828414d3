using System.CommandLine;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os store …</c>: the content-addressed store.</summary>
public static class StoreCommand
{
    public static Command Create()
    {
        var command = new Command("store", "Work with the store: dump, restore, add, verify, gc, …");
        command.Subcommands.Add(StoreDumpCommand.Create());
        command.Subcommands.Add(StoreRestoreCommand.Create());
        command.Subcommands.Add(StoreAddCommand.Create());
        command.Subcommands.Add(StorePathInfoCommand.Create());
        command.Subcommands.Add(StoreVerifyCommand.Create());
        command.Subcommands.Add(StoreGcCommand.Create());
        command.Subcommands.Add(StoreOptimiseCommand.Create());
        command.Subcommands.Add(StoreExportCommand.Create());
        command.Subcommands.Add(StoreImportCommand.Create());
        return command;
    }
}
