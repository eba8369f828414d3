using QiTech.Os.Errors;

namespace QiTech.Os.Build;

/// <summary>A build failed: the message names the package, the cause, the last log lines and the log file.</summary>
public sealed class BuildException(string message, string? logPath = null) : QiTechOsException(message)
{
    public string? LogPath { get; } = logPath;
}
