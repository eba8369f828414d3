using System.Text.RegularExpressions;
using static QiTech.Os.Config.Types.OptionTypes;

namespace QiTech.Os.Config.Modules;

/// <summary>
/// <c>packages.&lt;name&gt;</c> says where a package's store path comes from: a prebuilt
/// directory beside the configuration (added to the store), a path already in the store, or
/// a build from source in the sandbox (a script, or a .NET project; see <see cref="PackageDerivations"/>).
/// <c>environment.systemPackages</c> → <c>sw/&lt;name&gt;</c> links, and <c>sw/bin</c> links to
/// every program in their <c>bin/</c>.
/// </summary>
public sealed class PackagesModule : IConfigModule
{
    private static readonly OptionPath Packages = OptionPath.Parse("packages");
    private static readonly OptionPath SystemPackages = OptionPath.Parse("environment.systemPackages");

    /// <summary>A relative path of plain names (it reaches the build script): no <c>..</c>, no quotes or shell characters.</summary>
    private const string IncludePattern = @"^(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*$";
    private const string ProjectPattern = @"^(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*\.(cs|fs|vb)proj$";

    public string Name => "packages";

    public void Declare(OptionSet options)
    {
        options.Declare("packages", AttrsOf(Submodule(p => p
            .Declare("path", NullOr(LocalFile), null, "A prebuilt directory (relative to this file) added to the store as the package.", "./prebuilt/tool")
            .Declare("storePath", NullOr(Str), null, "A path already in the store, e.g. /qitech/store/<hash>-name.")
            .Declare("build.script", NullOr(Lines), null,
                "Build the package from source: a script run by /bin/sh -eu in the build sandbox (no network; the host's /usr, $src and nothing else; HOME and the clock are fixed) that must create $out. "
                + "Its store path comes from the script, the source and the host's userland version, so an unchanged package is never rebuilt.",
                "mkdir -p \"$out/bin\"; cp \"$src/tool.sh\" \"$out/bin/tool\"")
            .Declare("build.source", NullOr(SourceDirectory), null,
                "A directory (relative to this file) the build script reads as $src (read-only). Inside a git work tree only the files git would commit are taken (tracked, or untracked and not ignored).",
                "./tools")
            .Declare("dotnet.source", NullOr(SourceDirectory), null,
                "Build the package by publishing a .NET project in the sandbox: the source directory (relative to this file), taken as git would commit it inside a work tree. "
                + "Restores offline from the NuGet packages its packages.lock.json files pin (fetched and checked by hash when it really builds); the .NET SDK version is part of the store path: the sdk.version of the nearest global.json above the project, else the installed SDK's.",
                "..")
            .Declare("dotnet.include", NullOr(ListOf(Matching(IncludePattern, "relative path inside the source"))), null,
                "Only these files and folders of dotnet.source (relative to it) enter the build, so a change elsewhere in the repository (its configuration, its docs) rebuilds nothing. Default: all of it.",
                "[src, Directory.Build.props, Directory.Packages.props]")
            .Declare("dotnet.runtime", NullOr(Matching("^linux-(x64|arm64)$", "Linux runtime identifier")), null,
                "Publish self-contained for this runtime identifier: the .NET runtime comes from NuGet's runtime packs, pinned by runtime-packs.lock.json at the root of dotnet.source, so the machine needs no .NET installed. Null: framework-dependent (the machine provides the runtime).",
                "linux-x64")
            .Declare("dotnet.nativeAot", Bool, false,
                "Compile the project ahead of time (NativeAOT) into one native program that starts in milliseconds and runs without a JIT. Needs dotnet.runtime, a project that sets PublishAot (so its packages.lock.json pins the ILCompiler packages) "
                + "and the NativeAOT runtime pack in runtime-packs.lock.json; the host's gcc and binutils link it, and their versions are part of the store path.",
                "true")
            .Declare("dotnet.readyToRun", Bool, false,
                "Publish the assemblies precompiled (ReadyToRun) beside their IL: the program starts without compiling most of its code first, which on a slow CPU takes minutes, and the JIT still recompiles its hot code with profile data. Needs dotnet.runtime and the Crossgen2 pack in runtime-packs.lock.json; not with nativeAot.",
                "true")
            .Declare("dotnet.project", NullOr(Matching(ProjectPattern, "relative path of a project file")), null,
                "The project to publish, relative to dotnet.source; it lands in $out/lib/<name>, its programs linked into $out/bin.",
                "src/QiTech.Control.Server/QiTech.Control.Server.csproj"))),
            EmptySet, "Where each package's store path comes from, by package name: exactly one of path, storePath, build.script, dotnet.project.",
            "{ tool: { build: { script: 'mkdir -p $out/bin; cp $src/tool $out/bin/', source: ./tools } } }");
        options.Declare("environment.systemPackages", ListOf(Package), EmptyList, "Packages linked into the system's sw/.", "[qitech-control-server]");
    }

    public void Check(EvaluatedConfig config, ConfigChecks checks)
    {
        foreach (var (name, package) in config.Set("packages").Entries())
        {
            var path = Packages.Append(name);
            checks.Assert(Nix.StorePath.IsValidName(name), path, $"'{name}' is not a valid store path name");
            var origins = (package["path"] is null ? 0 : 1) + (package["storePath"] is null ? 0 : 1) + (PackageDerivations.IsBuilt(package) ? 1 : 0);
            checks.Assert(origins == 1, path, "set exactly one of path, storePath, build.script and dotnet.project");
            checks.Assert(package.Set("build")["source"] is null || package.Set("build").Str("script") != null, path.Append("build").Append("source"),
                "a build source needs build.script");
            var dotnet = package.Set("dotnet");
            checks.Assert(dotnet["source"] is null == dotnet["project"] is null, path.Append("dotnet"), "set both dotnet.source and dotnet.project");
            if (dotnet["source"] is LocalPath source && dotnet.Str("project") is { } project)
            {
                checks.Assert(File.Exists(Path.Combine(source.FullPath, project)), path.Append("dotnet").Append("project"), $"no project '{project}' in {source.FullPath}");
                checks.Assert(dotnet["nativeAot"] is not true || dotnet.Str("runtime") != null, path.Append("dotnet").Append("nativeAot"), "a NativeAOT publish needs dotnet.runtime");
                checks.Assert(dotnet["readyToRun"] is not true || dotnet.Str("runtime") != null, path.Append("dotnet").Append("readyToRun"), "a ReadyToRun publish needs dotnet.runtime");
                checks.Assert(dotnet["readyToRun"] is not true || dotnet["nativeAot"] is not true, path.Append("dotnet").Append("readyToRun"), "set readyToRun or nativeAot, not both: a NativeAOT program has no IL left to precompile");
                checks.Assert(dotnet["include"] is not IReadOnlyList<object?> include || include.Any(i => project.StartsWith((string)i! + "/", StringComparison.Ordinal) || project == (string)i!),
                    path.Append("dotnet").Append("include"), $"the project '{project}' is not in any included path");
            }
            if (package.Str("storePath") is { } storePath)
            {
                checks.Assert(Regex.IsMatch(storePath, @"^(/[^/\s]+)+/[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+_?=.-]+$"), path.Append("storePath"), $"'{storePath}' is not a store path");
            }
        }
        var packages = config.Set("packages");
        var systemPackages = config.List("environment.systemPackages");
        for (var i = 0; i < systemPackages.Count; i++)
        {
            var name = (string)systemPackages[i]!;
            checks.Assert(packages.ContainsKey(name), SystemPackages.Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                $"package '{name}' is not declared under packages");
        }
    }

    /// <summary>Checks that a package option names a declared package.</summary>
    public static void CheckReference(EvaluatedConfig config, ConfigChecks checks, string optionPath)
    {
        var name = config.String(optionPath);
        checks.Assert(config.Set("packages").ContainsKey(name), optionPath, $"package '{name}' is not declared under packages");
    }

    /// <summary>The store path (rendered) of a declared package.</summary>
    public static string StorePathOf(EvaluatedConfig config, string name)
    {
        var package = config.Set("packages").Set(name);
        return package["path"] is LocalPath local ? config.Importer.Import(local)
            : PackageDerivations.IsBuilt(package) ? PackageDerivations.OutputOf(config, name, package)
            : package.Str("storePath")!;
    }

    /// <summary>
    /// The store path of a package for a module's definitions; an undeclared or half-declared
    /// one gives a stand-in, and the module's check reports it.
    /// </summary>
    public static string StorePathOrStandIn(EvaluatedConfig config, string name) =>
        config.Set("packages").TryGetValue(name, out var p) && p is IReadOnlyDictionary<string, object?> package
            && (package["path"] is LocalPath ? 1 : 0) + (package["storePath"] is string ? 1 : 0) + (PackageDerivations.IsBuilt(package) ? 1 : 0) == 1
            && (!PackageDerivations.IsBuilt(package) || PackageDerivations.CanDerive(package))
            ? StorePathOf(config, name)
            : "/undeclared-package/" + name;

    public void Render(EvaluatedConfig config, SystemTree tree)
    {
        var binOwners = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in config.Strings("environment.systemPackages").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var storePath = StorePathOf(config, name);
            var origin = config.LocationOf(Packages.Append(name));
            tree.AddSymlink("sw/" + name, storePath, origin, Packages.Append(name));
            // A prebuilt directory shows its programs before it is added; any other package
            // once it is in the store (a package built from source: after its build).
            var contents = config.Set("packages").Set(name)["path"] is LocalPath local ? local.FullPath : config.Importer.Contents(storePath);
            if (contents != null && Directory.Exists(Path.Combine(contents, "bin")))
            {
                foreach (var program in Directory.GetFileSystemEntries(Path.Combine(contents, "bin")).Select(Path.GetFileName).Order(StringComparer.Ordinal))
                {
                    if (binOwners.TryGetValue(program!, out var owner))
                    {
                        throw ConfigException.At(origin, SystemPackages, $"packages '{owner}' and '{name}' both provide bin/{program}");
                    }
                    binOwners[program!] = name;
                    tree.AddSymlink("sw/bin/" + program, storePath + "/bin/" + program, origin, Packages.Append(name));
                }
            }
        }
    }
}
