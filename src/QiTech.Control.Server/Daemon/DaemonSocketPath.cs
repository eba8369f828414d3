using QiTech.Os.Store;

namespace QiTech.Control.Server.Daemon;

/// <summary>Where the daemon listens: <c>--daemon-socket</c>, else the root layout's <c>R/run/qitech-os/daemon.sock</c>.</summary>
public static class DaemonSocketPath
{
    public static string Resolve(string? explicitSocket, string? root) =>
        !string.IsNullOrEmpty(explicitSocket)
            ? Path.GetFullPath(explicitSocket)
            : SystemLayout.FromOptions(root, null).DaemonSocket;
}
