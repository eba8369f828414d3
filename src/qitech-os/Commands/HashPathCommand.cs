using System.CommandLine;
using QiTech.Os.Nar;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os hash-path</c>: the NAR SHA-256 of a path, as <c>nix-hash --type sha256</c>.</summary>
public static class HashPathCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "File, symlink or directory to hash" };
        var base32 = new Option<bool>("--base32") { Description = "Print in Nix's base-32 (as nix-hash --base32)" };
        var base16 = new Option<bool>("--base16") { Description = "Print in hexadecimal (the default)" };
        var sri = new Option<bool>("--sri") { Description = "Print as an SRI hash (sha256-<base64>)" };
        var command = new Command("hash-path", "Print the NAR hash of a path") { path, base32, base16, sri };
        command.SetAction(parse =>
        {
            var (hash, _) = NarHasher.HashPath(parse.GetValue(path)!);
            Console.Out.WriteLine(parse.GetValue(base32) ? hash.ToBase32()
                : parse.GetValue(sri) ? hash.ToSri()
                : hash.ToBase16());
            return 0;
        });
        return command;
    }
}
