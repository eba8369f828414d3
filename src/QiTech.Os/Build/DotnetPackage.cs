using QiTech.Os.Nix;

namespace QiTech.Os.Build;

/// <summary>
/// The derivation that publishes one .NET project from a source tree in the store: copied
/// to the build directory, restored offline from the pinned NuGet feed (if any, in locked
/// mode), published deterministic into <c>$out</c> (framework-dependent, or self-contained
/// for a runtime identifier, or compiled ahead of time into one native program), with the
/// host's SDK and userland as declared, versioned inputs.
/// </summary>
public static class DotnetPackage
{
    /// <param name="linkPrograms">
    /// Publish into <c>$out/lib/&lt;name&gt;</c> and link each program (an apphost beside its
    /// .dll) into <c>$out/bin</c>, as a system's <c>sw/bin</c> expects; else publish into <c>$out</c>.
    /// The apphost finds its .dll through the link's target, so the link runs the program.
    /// </param>
    /// <param name="runtime">
    /// A runtime identifier (<c>linux-x64</c>): publish self-contained for it, the .NET runtime
    /// copied from the runtime packs in the feed, so the machine needs no .NET installed; null:
    /// framework-dependent.
    /// </param>
    /// <param name="nativeAot">
    /// The project compiles ahead of time (it sets <c>PublishAot</c>, so its lock file pins the
    /// ILCompiler packages): the publish is one native program, linked by the host's C toolchain
    /// (<see cref="HostInputs.NativeToolchain"/>, which <paramref name="host"/> must hold). Needs <paramref name="runtime"/>.
    /// </param>
    /// <param name="readyToRun">
    /// Precompile the assemblies (ReadyToRun, by the Crossgen2 pack the feed holds) so the program
    /// starts without the JIT compiling most of its code first. Needs <paramref name="runtime"/>.
    /// </param>
    public static Derivation Create(string name, StorePath source, string project, StoreDirectory storeDir,
        StorePath? nugetFeed = null, long sourceDateEpoch = 315532800, IReadOnlyList<HostInput>? host = null, bool linkPrograms = false, string? runtime = null,
        bool nativeAot = false, bool readyToRun = false)
    {
        if (runtime != null && !System.Text.RegularExpressions.Regex.IsMatch(runtime, "^[a-z0-9]+(-[a-z0-9]+)+$"))
        {
            throw new Errors.BadInputException($"runtime '{runtime}' is not a runtime identifier such as linux-x64");
        }
        if (nativeAot && runtime == null)
        {
            throw new Errors.BadInputException($"package '{name}': a NativeAOT publish needs a runtime identifier such as linux-x64");
        }
        if (readyToRun && (runtime == null || nativeAot))
        {
            throw new Errors.BadInputException($"package '{name}': a ReadyToRun publish needs a runtime identifier such as linux-x64, and no NativeAOT");
        }
        // Restore asks for it too: that is when the Crossgen2 pack is taken from the feed.
        var readyToRunOption = readyToRun ? " -p:PublishReadyToRun=true" : "";
        var restoreRuntime = runtime == null ? "" : $" -r {runtime}{readyToRunOption}";
        var publishRuntime = runtime == null ? "" : $" -r {runtime} --self-contained true{readyToRunOption}";
        if (project.StartsWith('/') || project.Split('/').Contains("..") || project.Any(c => char.IsControl(c) || c is '\'' or '"' or '$' or '`' or '\\'))
        {
            throw new Errors.BadInputException($"project '{project}' must be a plain relative path inside the source");
        }
        host ??= nativeAot
            ? [.. HostInputs.BaseSystem(), HostInputs.DotnetSdk(CancellationToken.None), HostInputs.NativeToolchain()]
            : [.. HostInputs.BaseSystem(), HostInputs.DotnetSdk(CancellationToken.None)];
        var sdk = host.First(h => h.Name == HostInputs.DotnetSdkName);
        // The linker named, not found on PATH; the native debug symbols (.dbg, twice the
        // program's size) stay out of the package, as the program carries its stack trace data.
        var nativeOptions = !nativeAot ? ""
            : $" -p:CppCompilerAndLinker={host.First(h => h.Name == HostInputs.NativeToolchainName).SandboxPath} -p:CopyOutputSymbolsToPublishDirectory=false";
        var restoreSource = nugetFeed is { } feed ? $"--source {storeDir.Render(feed)} --locked-mode" : "--source /build/empty-feed";
        var publishDir = linkPrograms ? "$out/lib/" + name : "$out";
        var lines = new List<string>
        {
            "set -eu",
            "mkdir -p /build/empty-feed",
            "cp -r --preserve=timestamps \"$src\" /build/src",
            "chmod -R u+w /build/src",
            "cd /build/src",
            $"dotnet restore '{project}'{restoreRuntime} {restoreSource}",
            $"dotnet publish '{project}' --no-restore{publishRuntime} -c Release -o \"{publishDir}\" -p:Deterministic=true -p:ContinuousIntegrationBuild=true -p:PathMap=/build/src=/src -p:GenerateDocumentationFile=false{nativeOptions}",
            // Static web assets carry each file's modification time as Last-Modified, and files
            // compressed during the build have the build's time: they get SOURCE_DATE_EPOCH's.
            "stamp=\"$(LC_ALL=C date -u -d \"@$SOURCE_DATE_EPOCH\" '+%a, %d %b %Y %H:%M:%S GMT')\"",
            $"find \"{publishDir}\" -name '*.staticwebassets.endpoints.json' -exec sed -i -E \"s/(\\\"Name\\\":\\\"Last-Modified\\\",\\\"Value\\\":\\\")[^\\\"]*/\\1$stamp/g\" {{}} +",
        };
        if (nativeAot)
        {
            // Managed symbols describe IL the native program no longer contains.
            lines.Add($"find \"{publishDir}\" -name '*.pdb' -delete");
        }
        if (linkPrograms)
        {
            lines.AddRange(
            [
                "mkdir -p \"$out/bin\"",
                $"for f in \"{publishDir}\"/*; do",
                // A program: an apphost beside its .dll, or in a NativeAOT publish an executable
                // without an extension (the native libraries beside it are executable .so files).
                nativeAot
                    ? "  case \"${f##*/}\" in *.*) ;; *) if [ -f \"$f\" ] && [ -x \"$f\" ]; then ln -s \"../lib/" + name + "/${f##*/}\" \"$out/bin/${f##*/}\"; fi ;; esac"
                    : "  if [ -f \"$f\" ] && [ -x \"$f\" ] && [ -f \"$f.dll\" ]; then ln -s \"../lib/" + name + "/${f##*/}\" \"$out/bin/${f##*/}\"; fi",
                "done",
            ]);
        }
        lines.Add("");
        var script = string.Join('\n', lines);
        var inputs = new HashSet<StorePath> { source };
        if (nugetFeed is { } f)
        {
            inputs.Add(f);
        }
        return new Derivation
        {
            Name = name,
            Builder = "/bin/sh",
            Args = ["-c", script],
            InputPaths = inputs,
            HostInputs = host,
            Env = new Dictionary<string, string>
            {
                ["src"] = storeDir.Render(source),
                ["PATH"] = sdk.SandboxPath + ":/usr/bin",
                ["DOTNET_CLI_HOME"] = "/build",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
                ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1",
                ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false",
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
                ["NUGET_PACKAGES"] = "/build/.nuget/packages",
                ["SOURCE_DATE_EPOCH"] = sourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
    }
}
