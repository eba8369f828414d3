using System.CommandLine;
using QiTech.Os.Client;

namespace QiTech.Os.Cli.Operations;

/// <summary>The one place the CLI chooses between the daemon and working directly.</summary>
public static class SystemOperations
{
    /// <summary>
    /// Through the daemon when one answers on the root: otherwise its running services would not
    /// follow a change. Else directly, under the system lock.
    /// </summary>
    public static ISystemOperations Open(ParseResult parse)
    {
        var layout = GlobalOptions.Layout(parse);
        return DaemonClient.TryConnect(layout) is { } daemon
            ? new DaemonSystemOperations(daemon, layout)
            : new LocalSystemOperations(layout);
    }
}
