using QiTech.Os.Platform;
using QiTech.Os.Services;

namespace QiTech.Os.Daemon;

/// <summary>How the daemon was started.</summary>
public sealed record DaemonOptions(SystemLayout Layout, bool Embedded, string Group, SupervisorOptions Supervisor);
