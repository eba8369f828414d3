using QiTech.Os.Errors;

namespace QiTech.Os.Client;

/// <summary>The daemon's socket is missing or does not answer; trying again later may work.</summary>
public sealed class DaemonUnavailableException(string socketPath, Exception inner)
    : QiTechOsException($"the system daemon does not answer at {socketPath}: {inner.Message}", 1, inner)
{
    public string SocketPath { get; } = socketPath;

    public override bool IsTransient => true;
}
