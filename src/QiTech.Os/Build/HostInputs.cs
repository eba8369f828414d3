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

    /// <summary>Name of the C toolchain a NativeAOT publish links with.</summary>
    public const string NativeToolchainName = "c-toolchain";

    /// <summary>
    /// The C compiler and linker a NativeAOT publish links the program with: the host's gcc (its
    /// resolved file, bound in place), versioned by gcc's and binutils' versions, which decide the
    /// program's bits. gcc, not clang: Debian builds its own packages with it, and the ILCompiler
    /// targets take it when told (<c>CppCompilerAndLinker</c>) instead of whichever is on PATH.
    /// It links against the userland's libc and zlib (<c>-lz</c>), which <see cref="BaseSystem"/> declares.
    /// </summary>
    public static HostInput NativeToolchain(CancellationToken cancel)
    {
        var gcc = new FileInfo("/usr/bin/gcc");
        if (!gcc.Exists)
        {
            throw new BuildException("a NativeAOT publish links with gcc, which this machine lacks (Debian packages gcc, libc6-dev and zlib1g-dev)");
        }
        var compiler = gcc.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? gcc.FullName;
        var gccVersion = FirstLine(ProcessRunner.Run(new ProcessCommand(compiler, ["-dumpfullversion"]), cancel), "gcc -dumpfullversion");
        // "GNU ld (GNU Binutils for Debian) 2.40": the last word is the version.
        var ldVersion = FirstLine(ProcessRunner.Run(new ProcessCommand("/usr/bin/ld", ["--version"]), cancel), "ld --version").Split(' ')[^1];
        var version = $"gcc-{gccVersion}+binutils-{ldVersion}";
        // The version enters the derivation as name@version:path.
        return System.Text.RegularExpressions.Regex.IsMatch(version, "^[A-Za-z0-9._+-]+$")
            ? new HostInput(NativeToolchainName, version, compiler, compiler)
            : throw new BuildException($"cannot tell the C toolchain's version: '{version}' is not one");
    }

    private static (DateTime Changed, HostInput Input)? _cachedToolchain;

    /// <summary>As <see cref="NativeToolchain"/>, asked again only when gcc changed: evaluation names it once per NativeAOT package.</summary>
    public static HostInput NativeToolchainCached(CancellationToken cancel)
    {
        var changed = File.GetLastWriteTimeUtc("/usr/bin/gcc");
        lock (CacheGate)
        {
            if (_cachedToolchain is { } c && c.Changed == changed)
            {
                return c.Input;
            }
        }
        var input = NativeToolchain(cancel);
        lock (CacheGate)
        {
            _cachedToolchain = (changed, input);
        }
        return input;
    }

    private static string FirstLine(ProcessResult result, string command)
    {
        var line = result.StdoutText.Split('\n')[0].Trim();
        return result.Ok && line.Length > 0 ? line : throw new BuildException($"cannot tell the C toolchain's version: '{command}' failed");
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
        var current = recorded.Name switch
        {
            "dotnet-sdk" => DotnetSdk(cancel),
            NativeToolchainName => NativeToolchain(cancel),
            _ => BaseSystem().FirstOrDefault(h => h.Name == recorded.Name)
                 ?? throw new BuildException($"this host has no '{recorded.Name}' to build with"),
        };
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
