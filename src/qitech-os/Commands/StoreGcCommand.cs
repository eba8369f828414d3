using System.CommandLine;
using QiTech.Os.Cli.Operations;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os store gc [--dry-run]</c>: delete what no root reaches; through the daemon when it runs.</summary>
public static class StoreGcCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be deleted; delete nothing" };
        var command = new Command("gc", "Delete store paths that no generation or root reaches") { dryRun };
        command.SetAction(async (parse, cancel) =>
        {
            var dry = parse.GetValue(dryRun);
            using var operations = SystemOperations.Open(parse);
            var gc = await operations.CollectGarbageAsync(dry, cancel);
            foreach (var path in gc.Deleted)
            {
                Console.Out.WriteLine((dry ? "would delete " : "deleted ") + operations.StoreDir.Render(path));
            }
            Console.Out.WriteLine($"{gc.Deleted.Count} store paths {(dry ? "would be deleted" : "deleted")}, {ByteSize.Format(gc.BytesFreed)} {(dry ? "would be freed" : "freed")}");
            return 0;
        });
        return command;
    }
}
