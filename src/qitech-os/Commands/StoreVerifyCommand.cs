using System.CommandLine;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os store verify [--check-contents] [--repair-from ROOT]</c>.</summary>
public static class StoreVerifyCommand
{
    public static Command Create()
    {
        var contents = new Option<bool>("--check-contents") { Description = "Rehash every path and compare with the registered NAR hash" };
        var repairFrom = new Option<string?>("--repair-from") { Description = "Repair damaged paths from the store under this root, where it holds a good copy" };
        var command = new Command("verify", "Check that every registered path is present (and intact); exits 1 if not") { contents, repairFrom };
        command.SetAction((parse, cancel) =>
        {
            var layout = GlobalOptions.Layout(parse);
            using var store = LocalStore.Open(layout);
            using var source = parse.GetValue(repairFrom) is { } other ? LocalStore.Open(new SystemLayout(other, layout.StoreDir)) : null;
            var problems = new StoreVerifier(store).Verify(parse.GetValue(contents), source, null, cancel);
            foreach (var p in problems)
            {
                Console.Out.WriteLine($"{(p.Repaired ? "repaired" : p.Kind.ToString().ToLowerInvariant())}: {store.Render(p.Path)}: {p.Detail}");
            }
            var left = problems.Count(p => !p.Repaired);
            Console.Error.WriteLine(left == 0 ? $"store is consistent ({problems.Count} repaired)" : $"{left} damaged path(s)");
            return Task.FromResult(left == 0 ? 0 : 1);
        });
        return command;
    }
}
