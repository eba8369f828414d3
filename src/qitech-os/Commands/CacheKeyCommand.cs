using System.CommandLine;
using QiTech.Os.Cache;
using QiTech.Os.Errors;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os cache key generate NAME SECRET_FILE PUBLIC_FILE</c>, as <c>nix-store --generate-binary-cache-key</c>.</summary>
public static class CacheKeyCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The key's name, conventionally the cache's host and a number (cache.example.com-1)" };
        var secretFile = new Argument<string>("SECRET_FILE") { Description = "Where to write the secret key (mode 0600; must not exist)" };
        var publicFile = new Argument<string>("PUBLIC_FILE") { Description = "Where to write the public key (for trusted-public-keys)" };
        var generate = new Command("generate", "Write a new ed25519 key pair in Nix's format") { name, secretFile, publicFile };
        generate.SetAction((parse, cancel) =>
        {
            var secretPath = parse.GetValue(secretFile)!;
            var publicPath = parse.GetValue(publicFile)!;
            using var key = NixSecretKey.Generate(parse.GetValue(name)!);
            WriteNew(secretPath, key.Render(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            WriteNew(publicPath, key.PublicKey.Render(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            Console.Out.WriteLine(key.PublicKey.Render());
            return Task.FromResult(0);
        });
        var command = new Command("key", "Signing keys of binary caches");
        command.Subcommands.Add(generate);
        return command;
    }

    // The secret is born with its final mode: never readable by others, not even for an instant.
    private static void WriteNew(string path, string text, UnixFileMode mode)
    {
        try
        {
            using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
            using var writer = new StreamWriter(stream);
            writer.Write(text);
        }
        catch (IOException e) when (File.Exists(path))
        {
            throw new BadInputException($"{path}: already exists; not overwriting a key ({e.GetType().Name})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new QiTechOsException($"{path}: cannot write: {e.Message}");
        }
    }
}
