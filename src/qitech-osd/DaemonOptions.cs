using QiTech.Os.Services;
using QiTech.Os.Store;

namespace QiTech.Os.Daemon;

/// <summary>How the daemon was started.</summary>
public sealed record DaemonOptions(SystemLayout Layout, bool Embedded, string Group, SupervisorOptions Supervisor);
