namespace QiTech.Os.Build;

/// <summary>
/// A toolchain or base system taken from the host (the .NET SDK, the Debian userland) that
/// a build may use: bound read-only into the sandbox, and named with its version in the
/// derivation, so a different toolchain gives a different output path.
/// </summary>
public sealed record HostInput(string Name, string Version, string HostPath, string SandboxPath)
{
    /// <summary>The form recorded in the derivation: <c>name@version:sandboxPath</c>.</summary>
    public string Describe() => $"{Name}@{Version}:{SandboxPath}";

    /// <summary>Reads what <see cref="Describe"/> wrote; the host path is the sandbox path, as host inputs are bound in place.</summary>
    public static bool TryParseDescription(string text, out HostInput input)
    {
        input = null!;
        var at = text.IndexOf('@');
        var colon = text.IndexOf(':', at + 1);
        if (at <= 0 || colon < 0 || colon == text.Length - 1)
        {
            return false;
        }
        var path = text[(colon + 1)..];
        input = new HostInput(text[..at], text[(at + 1)..colon], path, path);
        return true;
    }
}
