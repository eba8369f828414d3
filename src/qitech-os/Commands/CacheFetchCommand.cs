using System.CommandLine;
using QiTech.Os.Cache;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os cache fetch --from URL --trusted-public-key KEY PATH…</c>, as <c>nix copy --from</c>.</summary>
public static class CacheFetchCommand
{
    public static Command Create()
    {
        var from = new Option<string[]>("--from") { Description = "A cache to fetch from (repeatable; tried in order)", Required = true, AllowMultipleArgumentsPerToken = false };
        var trusted = new Option<string[]>("--trusted-public-key") { Description = "NAME:BASE64 of a key whose signatures are trusted (repeatable)", Required = true };
        var paths = new Argument<string[]>("PATH") { Description = "Store paths to fetch with their closure", Arity = ArgumentArity.OneOrMore };
        var command = new Command("fetch", "Fetch store paths and their closure from binary caches, verifying every signature and hash") { from, trusted, paths };
        command.SetAction(async (parse, cancel) =>
        {
            var caches = parse.GetValue(from)!.Select(BinaryCacheUrl.Parse).Select(ICacheTransport.Open).ToList();
            try
            {
                var keys = parse.GetValue(trusted)!.Select((k, i) => NixPublicKey.Parse(k, $"--trusted-public-key #{i + 1}")).ToList();
                using var store = LocalStore.Open(GlobalOptions.Layout(parse));
                var roots = parse.GetValue(paths)!.Select(store.ParsePath).ToList();
                var fetcher = new CacheFetcher(store, caches, keys);
                var added = await fetcher.FetchAsync(roots, new SynchronousProgress<CacheProgress>(p =>
                {
                    var left = p.TimeLeft is { } t ? $", about {Math.Ceiling(t.TotalSeconds)} s left" : ", estimating";
                    var what = p.Finished is { } path ? $": {path}" : "";
                    Console.Error.WriteLine($"[{p.PathsDone}/{p.PathsTotal} paths] {ByteSize.Format(p.BytesDone)} of {ByteSize.Format(p.BytesTotal)}{left}{what}");
                }), cancel);
                Console.Error.WriteLine($"fetched {added.Count} paths, {fetcher.BytesDownloaded} bytes downloaded");
                foreach (var root in roots)
                {
                    Console.Out.WriteLine(store.Render(root));
                }
                return 0;
            }
            finally
            {
                caches.ForEach(c => c.Dispose());
            }
        });
        return command;
    }
}
