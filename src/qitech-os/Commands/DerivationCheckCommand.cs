using System.CommandLine;
using QiTech.Os.Build;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os derivation check PATH</c>: rebuild a store path and fail if the bits differ.</summary>
public static class DerivationCheckCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "Store path built by this machine" };
        var command = new Command("check", "Rebuild PATH from its derivation and fail if the result differs (as nix-store --check)") { path };
        command.SetAction(async (parse, cancel) =>
        {
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            var storePath = store.ParsePath(parse.GetValue(path)!);
            var result = await new DerivationBuilder(store).CheckPathAsync(storePath, cancel: cancel);
            Console.Out.WriteLine($"{store.Render(storePath)}: rebuilt with the same NAR hash {result.NarHash.ToSri()}");
            return 0;
        });
        return command;
    }
}
