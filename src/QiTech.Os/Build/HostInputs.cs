using System.Text.RegularExpressions;
using QiTech.Os.Errors;
using QiTech.Os.Platform;

namespace QiTech.Os.Build;

/// <summary>
/// The host toolchains builds may declare, each with the version that enters the derivation.
/// Evaluation names them by what is pinned (the Debian release, the SDK a global.json pins),
/// not by probing the host, so a machine without the SDK or gcc names the same output paths as
/// the build machine and can fetch them; only a real build checks that this host has them.
/// </summary>
public static partial class HostInputs
{
    public const string DotnetSdkName = "dotnet-sdk";

    /// <summary>Where the SDK appears in the sandbox, wherever the host installed it: its path is in the derivation.</summary>
    public const string DotnetSdkSandboxPath = "/usr/share/dotnet";

    /// <summary>Name of the C toolchain a NativeAOT publish links with.</summary>
    public const string NativeToolchainName = "c-toolchain";

    private const string Gcc = "/usr/bin/gcc";

    private static readonly string[] BaseDirs = ["/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/libexec"];

    /// <summary>
    /// The host's Debian release, <c>debian-12</c> for 12.11 or 12.15: the point releases of a
    /// stable release keep the userland's ABI and its gcc and binutils versions, so a build
    /// machine and a machine running another point release agree.
    /// </summary>
    public static string DebianRelease()
    {
        var text = File.Exists("/etc/debian_version") ? File.ReadAllText("/etc/debian_version").Trim() : "";
        var major = text.Split('.', '/')[0];
        return ReleasePattern().IsMatch(major) ? "debian-" + major : "unknown";
    }

    /// <summary>
    /// The host's userland (/usr/bin, /usr/lib, …: a shell, coreutils, libc), versioned by
    /// the Debian release. Bound at the same paths (those the host has); /bin, /lib and /lib64 link into it.
    /// </summary>
    public static IReadOnlyList<HostInput> BaseSystem()
    {
        var release = DebianRelease();
        return [.. BaseDirs.Select(dir => new HostInput("base" + dir.Replace('/', '-'), release, dir, dir))];
    }

    /// <summary>
    /// The SDK that builds a .NET source in <paramref name="folder"/>: the version its global.json
    /// pins, else the installed SDK's. Without either the package cannot be named.
    /// </summary>
    public static HostInput DotnetSdkFor(string folder)
    {
        if (DotnetSdkPin.Find(folder) is { } pin)
        {
            return new HostInput(DotnetSdkName, pin.Version, DotnetSdkSandboxPath, DotnetSdkSandboxPath);
        }
        return InstalledDotnetSdk()
            ?? throw new BadInputException($"the .NET SDK is not installed here and no {DotnetSdkPin.FileName} in {folder} or above pins its version (sdk.version): pin it, so this machine can name, and fetch, what the build machine built");
    }

    /// <summary>The host's .NET SDK: its installation directory, versioned by <c>dotnet --version</c>.</summary>
    public static HostInput DotnetSdk(CancellationToken cancel)
    {
        var dotnet = ResolveDotnet() ?? throw new BuildException("the .NET SDK (dotnet) is not installed on this machine");
        var result = ProcessRunner.Run(new ProcessCommand(dotnet, ["--version"])
        {
            Environment = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" },
        }, cancel);
        var version = result.StdoutText.Trim();
        if (!result.Ok || version.Length == 0)
        {
            throw new BuildException("cannot tell the .NET SDK version: 'dotnet --version' failed");
        }
        return new HostInput(DotnetSdkName, version, Path.GetDirectoryName(dotnet)!, DotnetSdkSandboxPath);
    }

    private static readonly Lock CacheGate = new();
    private static (string Dotnet, DateTime Changed, HostInput Input)? _cachedSdk;

    /// <summary>
    /// As <see cref="DotnetSdk"/>, or null when no SDK is installed (a machine may have the
    /// runtime alone); asked again only when the
    /// SDK's installation changed: evaluating a configuration names it many times.
    /// </summary>
    public static HostInput? InstalledDotnetSdk()
    {
        if (ResolveDotnet() is not { } dotnet)
        {
            return null;
        }
        var changed = Directory.GetLastWriteTimeUtc(Path.Combine(Path.GetDirectoryName(dotnet)!, "sdk"));
        lock (CacheGate)
        {
            if (_cachedSdk is { } c && c.Dotnet == dotnet && c.Changed == changed)
            {
                return c.Input;
            }
        }
        HostInput input;
        try
        {
            input = DotnetSdk(CancellationToken.None); // evaluation is not cancellable; `dotnet --version` is short
        }
        catch (BuildException)
        {
            return null; // a runtime without an SDK ("No .NET SDKs were found")
        }
        lock (CacheGate)
        {
            _cachedSdk = (dotnet, changed, input);
        }
        return input;
    }

    /// <summary>
    /// The C compiler and linker a NativeAOT publish links the program with: the host's gcc,
    /// versioned by the Debian release, which fixes gcc's and binutils' versions (12.2.0 and
    /// 2.40 through Debian 12's point releases). gcc, not clang: Debian builds its own packages
    /// with it, and the ILCompiler targets take it when told (<c>CppCompilerAndLinker</c>)
    /// instead of whichever is on PATH. It lies in the userland's /usr/bin and links against its
    /// libc and zlib (<c>-lz</c>), which <see cref="BaseSystem"/> declares.
    /// </summary>
    public static HostInput NativeToolchain() => new(NativeToolchainName, DebianRelease(), Gcc, Gcc);

    /// <summary>
    /// The host input a derivation names, if this host has it in the same version, for a build
    /// to bind; a different version would build something else, so it is refused with both versions.
    /// </summary>
    public static HostInput Matching(HostInput recorded)
    {
        HostInput current;
        try
        {
            current = recorded.Name switch
            {
                DotnetSdkName => InstalledDotnetSdk() ?? throw new BuildException("no .NET SDK is installed on this machine"),
                NativeToolchainName => File.Exists(Gcc)
                    ? NativeToolchain()
                    : throw new BuildException("a NativeAOT publish links with gcc, which this machine lacks (Debian packages gcc, libc6-dev and zlib1g-dev)"),
                _ => BaseSystem().FirstOrDefault(h => h.Name == recorded.Name)
                     ?? throw new BuildException($"this host has no '{recorded.Name}' to build with"),
            };
        }
        catch (BuildException e)
        {
            throw new BuildException($"building needs {recorded.Name} {recorded.Version}: {e.Message}");
        }
        if (current.Version != recorded.Version || current.SandboxPath != recorded.SandboxPath)
        {
            throw new BuildException($"the derivation needs {recorded.Name} {recorded.Version} at {recorded.SandboxPath}, but this host has {current.Version} at {current.SandboxPath}");
        }
        return current;
    }

    private static string? ResolveDotnet()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
        {
            var candidate = Path.Combine(dir, "dotnet");
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            }
        }
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9]+$")]
    private static partial Regex ReleasePattern();
}
