using System.CommandLine;
using QiTech.Os.Base;
using QiTech.Os.Config.Modules;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os base lock [--config F]</c>: resolves the declared base with mmdebstrap online
/// (the machine's apt sources) and writes every .deb of it, pinned, to <c>base.lock</c>
/// beside the configuration; the downloaded .debs seed the cache.
/// </summary>
public static class BaseLockCommand
{
    public static Command Create()
    {
        var command = new Command("lock", "Resolve the configuration's base with the machine's apt sources and write base.lock beside it");
        command.SetAction(async (parse, cancel) =>
        {
            var configFile = parse.GetValue(BaseCommand.Config)!;
            var request = BaseCommand.DeclaredBase(configFile, cancel);
            var lockPath = BaseModule.LockPathFor(configFile);
            var sources = await AptSources.ForSuiteAsync(request.Suite, cancel);
            Console.Error.WriteLine($"resolving {request.Describe()} with {string.Join(", ", sources.Select(s => s.Uri + " " + s.Release))}");
            var resolver = new BaseResolver(GlobalOptions.Layout(parse), DebCache.Default()) { Log = BaseCommand.Log("mmdebstrap") };
            var resolved = await resolver.ResolveAsync(request, sources, cancel);
            var previous = File.Exists(lockPath) ? BaseLock.Read(lockPath) : null;
            resolved.Write(lockPath);
            Console.Out.WriteLine($"{lockPath}: {resolved.Packages.Count} packages, {resolved.Packages.Sum(p => p.Size) / (1024 * 1024)} MiB of .debs{Changes(previous, resolved)}");
            return 0;
        });
        return command;
    }

    private static string Changes(BaseLock? previous, BaseLock current)
    {
        if (previous == null)
        {
            return "";
        }
        var before = previous.Packages.ToDictionary(p => (p.Name, p.Architecture));
        var after = current.Packages.ToDictionary(p => (p.Name, p.Architecture));
        var added = after.Keys.Count(k => !before.ContainsKey(k));
        var removed = before.Keys.Count(k => !after.ContainsKey(k));
        var changed = after.Count(kv => before.TryGetValue(kv.Key, out var old) && old.Version != kv.Value.Version);
        return $" ({added} added, {removed} removed, {changed} changed version)";
    }
}
