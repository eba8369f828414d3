using System.CommandLine;
using QiTech.Os.Client;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Store;

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
            var layout = GlobalOptions.Layout(parse);
            var dry = parse.GetValue(dryRun);
            using var daemon = DaemonClient.TryConnect(layout);
            if (daemon != null)
            {
                var job = await DaemonJobFollower.FollowAsync(daemon, await daemon.CollectGarbageAsync(dry, cancel), cancel)
                    ?? throw new OperationCanceledException(cancel);
                if (!job.Succeeded || daemon.Json.Gc(job) is not { } gc)
                {
                    throw new QiTechOsException($"gc {job.Id} {DaemonJson.WireName(job.State)}: {job.Error}");
                }
                foreach (var path in gc.Deleted)
                {
                    Console.Out.WriteLine((dry ? "would delete " : "deleted ") + layout.StoreDir.Render(path));
                }
                Summary(gc.Deleted.Count, gc.BytesFreed, dry);
                return 0;
            }
            using var store = LocalStore.Open(layout);
            var result = new GarbageCollector(store).Collect(dry, cancel);
            foreach (var path in result.Deleted)
            {
                Console.Out.WriteLine((dry ? "would delete " : "deleted ") + store.Render(path));
            }
            Summary(result.Deleted.Count, result.BytesFreed, dry);
            return 0;
        });
        return command;
    }

    private static void Summary(int count, long bytes, bool dry) =>
        Console.Out.WriteLine($"{count} store paths {(dry ? "would be deleted" : "deleted")}, {ByteSize.Format(bytes)} {(dry ? "would be freed" : "freed")}");
}
