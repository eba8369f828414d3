using System.CommandLine;
using QiTech.Os.Cache;
using QiTech.Os.Errors;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os cache push --to URL [--secret-key-file F] PATH…</c>, as <c>nix copy --to</c>.</summary>
public static class CachePushCommand
{
    public static Command Create()
    {
        var to = new Option<string>("--to") { Description = "The cache: file:///FOLDER or http(s)://HOST/PATH (PUT)", Required = true };
        var secretKey = new Option<string?>("--secret-key-file") { Description = "Sign every narinfo with this key (from 'cache key generate')" };
        var withoutNar = new Option<bool>("--without-nar")
        {
            Description = "Write only the file layer, no NARs: the cache grows by about the files that changed, and serves QiTech machines only (Nix clients cannot fetch from it)",
        };
        var paths = new Argument<string[]>("PATH") { Description = "Store paths to push with their closure", Arity = ArgumentArity.OneOrMore };
        var command = new Command("push", "Copy store paths and their closure into a binary cache") { to, secretKey, withoutNar, paths };
        command.SetAction(async (parse, cancel) =>
        {
            var url = BinaryCacheUrl.Parse(parse.GetValue(to)!);
            using var key = parse.GetValue(secretKey) is { } keyFile ? NixSecretKey.Load(keyFile) : null;
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            var roots = parse.GetValue(paths)!.Select(store.ParsePath).ToList();
            foreach (var root in roots.Where(r => !store.IsValid(r)))
            {
                throw new BadInputException($"{store.Render(root)}: not a valid store path");
            }
            using var cache = ICacheTransport.Open(url);
            var result = await new CachePusher(store, cache, key, nar: !parse.GetValue(withoutNar)).PushAsync(roots, new SynchronousProgress<string>(Console.Error.WriteLine), cancel);
            Console.Error.WriteLine(parse.GetValue(withoutNar)
                ? $"pushed {result.Pushed} of {result.ClosureSize} paths (file layer only) to {url}"
                : $"pushed {result.Pushed} of {result.ClosureSize} paths ({ByteSize.Format(result.CompressedBytes)} compressed) to {url}");
            return 0;
        });
        return command;
    }
}
