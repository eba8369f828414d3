namespace QiTech.Os.Build;

/// <summary>
/// A toolchain or base system taken from the host (the .NET SDK, the Debian userland) that
/// a build may use: bound read-only into the sandbox, and named with its version in the
/// derivation, so a different toolchain gives a different output path.
/// </summary>
public sealed record HostInput(string Name, string Version, string HostPath, string SandboxPath)
{
    /// <summary>The form recorded in the derivation: <c>name-version=sandboxPath</c>.</summary>
    public string Describe() => $"{Name}-{Version}={SandboxPath}";
}
