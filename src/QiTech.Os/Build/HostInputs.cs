using QiTech.Os.Platform;

namespace QiTech.Os.Build;

/// <summary>The host toolchains builds may declare, each with the version that enters the derivation.</summary>
public static class HostInputs
{
    /// <summary>
    /// The host's userland (/usr/bin, /usr/lib, …: a shell, coreutils, libc), versioned by
    /// the Debian release. Bound at the same paths; /bin, /lib and /lib64 link into it.
    /// </summary>
    public static IReadOnlyList<HostInput> BaseSystem()
    {
        var version = File.Exists("/etc/debian_version") ? "debian-" + File.ReadAllText("/etc/debian_version").Trim() : "unknown";
        return new[] { "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/libexec" }
            .Where(Directory.Exists)
            .Select(dir => new HostInput("base" + dir.Replace('/', '-'), version, dir, dir))
            .ToList();
    }

    /// <summary>The host's .NET SDK: its installation directory, versioned by <c>dotnet --version</c>.</summary>
    public static HostInput DotnetSdk(CancellationToken cancel)
    {
        var dotnet = ResolveDotnet();
        var root = Path.GetDirectoryName(dotnet)!;
        var result = ProcessRunner.Run(new ProcessCommand(dotnet, ["--version"])
        {
            Environment = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
        }, cancel);
        var version = result.StdoutText.Trim();
        if (!result.Ok || version.Length == 0)
        {
            throw new BuildException("cannot tell the .NET SDK version: 'dotnet --version' failed");
        }
        return new HostInput("dotnet-sdk", version, root, root);
    }

    private static readonly Lock CacheGate = new();
    private static (string Dotnet, DateTime Changed, HostInput Input)? _cachedSdk;

    /// <summary>
    /// As <see cref="DotnetSdk"/>, asked again only when the SDK's installation changed:
    /// evaluating a configuration names it many times.
    /// </summary>
    public static HostInput DotnetSdkCached(CancellationToken cancel)
    {
        var dotnet = ResolveDotnet();
        var changed = Directory.GetLastWriteTimeUtc(Path.Combine(Path.GetDirectoryName(dotnet)!, "sdk"));
        lock (CacheGate)
        {
            if (_cachedSdk is { } c && c.Dotnet == dotnet && c.Changed == changed)
            {
                return c.Input;
            }
        }
        var input = DotnetSdk(cancel);
        lock (CacheGate)
        {
            _cachedSdk = (dotnet, changed, input);
        }
        return input;
    }

    /// <summary>
    /// The host input a recorded derivation names, if this host has it in the same version;
    /// a different version would build something else, so it is refused with both versions.
    /// </summary>
    public static HostInput Matching(HostInput recorded, CancellationToken cancel)
    {
        var current = recorded.Name == "dotnet-sdk"
            ? DotnetSdk(cancel)
            : BaseSystem().FirstOrDefault(h => h.Name == recorded.Name)
              ?? throw new BuildException($"this host has no '{recorded.Name}' to build with");
        if (current.Version != recorded.Version || current.SandboxPath != recorded.SandboxPath)
        {
            throw new BuildException($"the derivation needs {recorded.Name} {recorded.Version} at {recorded.SandboxPath}, but this host has {current.Version} at {current.SandboxPath}");
        }
        return current;
    }

    private static string ResolveDotnet()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
        {
            var candidate = Path.Combine(dir, "dotnet");
            if (File.Exists(candidate))
            {
                return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            }
        }
        throw new BuildException("the .NET SDK (dotnet) is not installed on this machine");
    }
}
