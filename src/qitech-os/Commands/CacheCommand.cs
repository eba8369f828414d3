using System.CommandLine;

namespace QiTech.Os.Cli.Commands;

/// <summary><c>qitech-os cache …</c>: Nix-compatible binary caches (push, fetch, keys).</summary>
public static class CacheCommand
{
    public static Command Create()
    {
        var command = new Command("cache", "Push to and fetch from signed binary caches in Nix's format");
        command.Subcommands.Add(CacheKeyCommand.Create());
        command.Subcommands.Add(CachePushCommand.Create());
        command.Subcommands.Add(CacheFetchCommand.Create());
        return command;
    }
}
