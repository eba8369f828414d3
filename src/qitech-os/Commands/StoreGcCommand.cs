using System.CommandLine;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os store gc [--dry-run]</c>: delete what no root reaches.</summary>
public static class StoreGcCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be deleted; delete nothing" };
        var command = new Command("gc", "Delete store paths that no generation or root reaches") { dryRun };
        command.SetAction((parse, cancel) =>
        {
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            var result = new GarbageCollector(store).Collect(parse.GetValue(dryRun), cancel);
            foreach (var path in result.Deleted)
            {
                Console.Out.WriteLine((parse.GetValue(dryRun) ? "would delete " : "deleted ") + store.Render(path));
            }
            Console.Out.WriteLine($"{result.Deleted.Count} store paths {(parse.GetValue(dryRun) ? "would be deleted" : "deleted")}, {ByteSize.Format(result.BytesFreed)} {(parse.GetValue(dryRun) ? "would be freed" : "freed")}");
            return Task.FromResult(0);
        });
        return command;
    }
}
