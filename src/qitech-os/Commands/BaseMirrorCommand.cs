using System.CommandLine;
using QiTech.Os.Base;
using QiTech.Os.Config.Modules;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os base mirror [--config F]</c>: fetches every .deb of the lock (cache first, each
/// checked against its SHA-256, each its own store path) and prints the offline mirror's store path.
/// </summary>
public static class BaseMirrorCommand
{
    public static Command Create()
    {
        var command = new Command("mirror", "Fetch the locked .debs into the store and print the path of their offline mirror");
        command.SetAction(async (parse, cancel) =>
        {
            var configFile = parse.GetValue(BaseCommand.Config)!;
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            var mirror = await MirrorAsync(configFile, store, cancel);
            Console.Out.WriteLine(store.Render(mirror.Path));
            return 0;
        });
        return command;
    }

    /// <summary>The declared base's lock and its offline mirror in the store.</summary>
    public static async Task<(BaseLock Lock, Nix.StorePath Path)> MirrorAsync(string configFile, LocalStore store, CancellationToken cancel)
    {
        var request = BaseCommand.DeclaredBase(configFile, cancel);
        var baseLock = PinnedBase.ReadLock(BaseModule.LockPathFor(configFile), request);
        var (mirror, downloaded) = await PinnedBase.FetchMirrorAsync(store, baseLock, line => Console.Error.WriteLine(line), cancel);
        Console.Error.WriteLine($"{baseLock.Packages.Count} .debs in the store ({downloaded} downloaded)");
        return (baseLock, mirror);
    }
}
