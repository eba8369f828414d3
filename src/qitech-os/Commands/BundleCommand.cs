using System.CommandLine;
using QiTech.Os.Cache;
using QiTech.Os.Errors;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os bundle create|show|install</c>: one signed file that carries a system to a
/// machine without a network (a USB stick), checked before anything changes.
/// </summary>
public static class BundleCommand
{
    public static Command Create()
    {
        var command = new Command("bundle", "Offline bundles: a signed file holding a system's closure, for machines without a network");
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(ShowCommand());
        command.Subcommands.Add(InstallCommand());
        return command;
    }

    private static Option<string[]> TrustedKeyOption() => new("--trusted-public-key")
    {
        Description = "NAME:BASE64 of a key whose bundles are trusted (repeatable; default: the running system's system.update.trustedPublicKeys)",
    };

    private static Command CreateCommand()
    {
        var system = new Argument<string>("SYSTEM") { Description = "The system closure's store path" };
        var output = new Option<string>("--out") { Description = "The bundle file to write", Required = true };
        var key = new Option<string>("--secret-key-file") { Description = "Sign with this key (from 'cache key generate')", Required = true };
        var since = new Option<string?>("--since") { Description = "Leave out what this system's closure already has (the machine's running version)" };
        var changelog = new Option<string?>("--changelog")
        {
            Description = "A file whose text the bundle shows as its changelog (default: the CHANGELOG of the system's git source at its commit, else the commits since --since)",
        };
        var command = new Command("create", "Write a system's closure into one signed bundle file") { system, output, key, since, changelog };
        command.SetAction(async (parse, cancel) =>
        {
            using var secret = NixSecretKey.Load(parse.GetValue(key)!);
            using var store = LocalStore.Open(GlobalOptions.Layout(parse));
            var systemPath = ValidPath(store, parse.GetValue(system)!);
            var sincePath = parse.GetValue(since) is { } s ? ValidPath(store, s) : (Nix.StorePath?)null;
            var version = Generations.SystemClosure.Open(store.Layout, systemPath).Version();
            var text = await ChangelogAsync(store.Layout, parse.GetValue(changelog), version, sincePath, cancel);
            var manifest = await Bundle.CreateAsync(store, systemPath, version, sincePath, secret, parse.GetValue(output)!, text, cancel);
            Console.Error.WriteLine($"bundle of {manifest.Label} ({manifest.Paths} paths, {ByteSize.Format(new FileInfo(parse.GetValue(output)!).Length)}) written to {parse.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private static Command ShowCommand()
    {
        var file = new Argument<string>("FILE") { Description = "The bundle" };
        var trusted = TrustedKeyOption();
        var command = new Command("show", "Check a bundle's signature and print what it installs") { file, trusted };
        command.SetAction(async (parse, cancel) =>
        {
            var keys = TrustedKeys(parse.GetValue(trusted), GlobalOptions.Layout(parse));
            var (manifest, signer) = await Bundle.ReadManifestAsync(parse.GetValue(file)!, keys, cancel);
            Console.Out.WriteLine($"version: {manifest.Label}\ncommit: {manifest.Commit ?? "unknown"}\ndate: {manifest.Timestamp ?? "unknown"}\nsystem: {manifest.System}\npaths: {manifest.Paths}\nsigned by: {signer}");
            if (manifest.Since is { } since)
            {
                Console.Out.WriteLine($"since: {since} (only what it lacks: installs where it is)");
            }
            if (manifest.Changelog is { } changes)
            {
                Console.Out.WriteLine("changelog:\n" + changes.TrimEnd('\n'));
            }
            return 0;
        });
        return command;
    }

    private static Command InstallCommand()
    {
        var file = new Argument<string>("FILE") { Description = "The bundle" };
        var trusted = TrustedKeyOption();
        var command = new Command("install", "Check a bundle, import its closure and switch to its system (as 'switch --system')") { file, trusted };
        command.SetAction(async (parse, cancel) =>
        {
            var layout = GlobalOptions.Layout(parse);
            var keys = TrustedKeys(parse.GetValue(trusted), layout);
            BundleManifest manifest;
            using (var store = LocalStore.Open(layout))
            {
                manifest = await Bundle.ImportAsync(store, parse.GetValue(file)!, keys, null, cancel);
            }
            Console.Error.WriteLine($"bundle checked and imported: {manifest.Label} ({manifest.System})");
            // The one switch path, through the daemon when it runs.
            return await CliApp.RunAsync(["--root", layout.Root, "--store-dir", layout.StoreDir.Path, "switch", "--system", manifest.System]);
        });
        return command;
    }

    private static Nix.StorePath ValidPath(LocalStore store, string text)
    {
        var path = store.ParsePath(text);
        return store.IsValid(path) ? path : throw new BadInputException($"{store.Render(path)}: not a valid store path");
    }

    /// <summary>Keys given on the command line, else those the running system's configuration trusts.</summary>
    private static IReadOnlyList<NixPublicKey> TrustedKeys(string[]? given, SystemLayout layout) =>
        given is { Length: > 0 }
            ? given.Select((k, i) => NixPublicKey.Parse(k, $"--trusted-public-key #{i + 1}")).ToList()
            : Cache.TrustedKeys.OfRunningSystem(layout);

    /// <summary>The given file's text, else the changelog of the system's source (a warning and none when it cannot be read).</summary>
    private static async Task<string?> ChangelogAsync(SystemLayout layout, string? file, Sources.VersionInfo version, Nix.StorePath? since, CancellationToken cancel)
    {
        if (file != null)
        {
            try
            {
                return await File.ReadAllTextAsync(file, cancel);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new BadInputException($"--changelog {file}: cannot read: {e.Message}");
            }
        }
        var sinceVersion = since is { } old ? Generations.SystemClosure.Open(layout, old).Version() : null;
        var (text, why) = await BundleChangelog.FromSourceAsync(layout, version, sinceVersion, cancel);
        if (text is null)
        {
            Console.Error.WriteLine($"warning: the bundle carries no changelog: {why} (give --changelog FILE)");
        }
        return text;
    }
}
