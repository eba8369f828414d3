using QiTech.Os.Build;
using QiTech.Os.Nix;

namespace QiTech.Os.Config;

/// <summary>
/// The derivations of the packages a configuration builds from source
/// (<c>packages.&lt;name&gt;.build</c>, <c>packages.&lt;name&gt;.dotnet</c>). Their output paths are
/// known from the inputs alone, so evaluation names them before anything is built.
/// </summary>
public static class PackageDerivations
{
    /// <summary>The builder of script packages; it runs with <c>-eu</c> (stop at the first failing command or unset variable).</summary>
    public const string Shell = "/bin/sh";

    /// <summary>
    /// Every package built from source, by name, in name order, each after the NuGet feed it
    /// restores from (<see cref="NuGetFeed"/>; one feed for packages that pin the same packages).
    /// </summary>
    public static IReadOnlyList<Derivation> All(EvaluatedConfig config)
    {
        var hasher = new DerivationHasher(config.Importer.StoreDir);
        var seen = new HashSet<StorePath>();
        var all = new List<Derivation>();
        foreach (var (name, package) in config.Set("packages").Entries().Where(e => IsBuilt(e.Value)).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var (feed, derivation) = WithFeed(config, name, package);
            foreach (var d in feed == null ? [derivation] : new[] { feed, derivation })
            {
                if (seen.Add(hasher.Resolve(d).Out))
                {
                    all.Add(d);
                }
            }
        }
        return all;
    }

    /// <summary>True when the package has a build script or a .NET project.</summary>
    public static bool IsBuilt(IReadOnlyDictionary<string, object?> package) =>
        package.Set("build").Str("script") != null || package.Set("dotnet").Str("project") != null;

    /// <summary>True when the derivation can be made: what it names is complete (the checks report the rest).</summary>
    public static bool CanDerive(IReadOnlyDictionary<string, object?> package) =>
        package.Set("build").Str("script") != null || package.Set("dotnet").Str("project") != null && package.Set("dotnet")["source"] is LocalPath;

    /// <summary>The store path (rendered) the package's build gives.</summary>
    public static string OutputOf(EvaluatedConfig config, string name, IReadOnlyDictionary<string, object?> package) =>
        config.Importer.StoreDir.Render(new DerivationHasher(config.Importer.StoreDir).Resolve(Of(config, name, package)).Out);

    public static Derivation Of(EvaluatedConfig config, string name, IReadOnlyDictionary<string, object?> package) =>
        WithFeed(config, name, package).Package;

    /// <summary>The package's derivation, and the NuGet feed's it restores from (null when it pins no packages).</summary>
    private static (Derivation? Feed, Derivation Package) WithFeed(EvaluatedConfig config, string name, IReadOnlyDictionary<string, object?> package)
    {
        var importer = config.Importer;
        var build = package.Set("build");
        if (build.Str("script") is { } script)
        {
            var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = "/usr/bin:/bin" };
            var inputs = new HashSet<StorePath>();
            if (build["source"] is LocalPath source)
            {
                var sourcePath = importer.ImportSource(source);
                env["src"] = sourcePath;
                inputs.Add(Parse(importer.StoreDir, sourcePath));
            }
            return (null, new Derivation
            {
                Name = name,
                Builder = Shell,
                Args = ["-eu", "-c", script],
                Env = env,
                InputPaths = inputs,
                HostInputs = HostInputs.BaseSystem(),
            });
        }
        var dotnet = package.Set("dotnet");
        if (dotnet["source"] is not LocalPath dotnetSource || dotnet.Str("project") is not { } project)
        {
            throw new InvalidOperationException($"package '{name}' is not built from source");
        }
        var sourceDir = dotnetSource.FullPath;
        var sdk = HostInputs.DotnetSdkFor(Path.GetDirectoryName(Path.Combine(sourceDir, project))!);
        var runtime = dotnet.Str("runtime");
        var nativeAot = dotnet["nativeAot"] is true;
        var readyToRun = dotnet["readyToRun"] is true;
        var locked = LockFiles(Path.Combine(sourceDir, project), sourceDir).SelectMany(NuGetLockFile.Read).ToList();
        CheckNativeAot(name, project, nativeAot, locked);
        var runtimePacks = runtime == null ? [] : DotnetRuntimePacks.Read(sourceDir, runtime, HostInputs.InstalledDotnetSdk() is { } installed && installed.Version == sdk.Version ? installed : null, nativeAot, readyToRun);
        var feed = locked.Count == 0 && runtimePacks.Count == 0 ? null : NuGetFeed.Create([.. locked, .. runtimePacks]);
        var include = dotnet["include"] is IReadOnlyList<object?> parts ? parts.Select(p => (string)p!).ToList() : null;
        IReadOnlyList<HostInput> host = nativeAot ? [.. HostInputs.BaseSystem(), sdk, HostInputs.NativeToolchain()] : [.. HostInputs.BaseSystem(), sdk];
        return (feed, DotnetPackage.Create(name, Parse(importer.StoreDir, importer.ImportSource(dotnetSource, include)), project, importer.StoreDir,
            feed == null ? null : new DerivationHasher(importer.StoreDir).Resolve(feed).Out, host: host, linkPrograms: true, runtime: runtime, nativeAot: nativeAot, readyToRun: readyToRun));
    }

    /// <summary>
    /// A project compiles ahead of time exactly when it sets PublishAot, which its lock file
    /// shows by pinning the ILCompiler package: the option and the project must agree, or the
    /// offline restore misses packages (or the package is not the program the option promises).
    /// </summary>
    private static void CheckNativeAot(string name, string project, bool nativeAot, IReadOnlyList<NuGetPackage> locked)
    {
        var compiles = locked.Any(p => p.Id.Equals(IlCompilerPackage, StringComparison.OrdinalIgnoreCase));
        if (nativeAot && !compiles)
        {
            throw new Errors.BadInputException($"packages.{name}.dotnet.nativeAot: the packages.lock.json of '{project}' pins no {IlCompilerPackage}: set <PublishAot>true</PublishAot> in the project and restore");
        }
        if (!nativeAot && compiles)
        {
            throw new Errors.BadInputException($"packages.{name}.dotnet: '{project}' sets PublishAot (its packages.lock.json pins {IlCompilerPackage}): set dotnet.nativeAot: true");
        }
    }

    private const string IlCompilerPackage = "Microsoft.DotNet.ILCompiler";

    /// <summary>The <c>packages.lock.json</c> beside a project file and beside every project it references.</summary>
    /// <param name="sourceDir">
    /// The folder the build sees: a project or lock file leading out of it (a reference, a
    /// symlink) is an error, as the sandbox could not build it and it must not be read here either.
    /// </param>
    public static IReadOnlyList<string> LockFiles(string projectFile, string sourceDir)
    {
        var source = ConfigRepository.Resolve(Path.GetFullPath(sourceDir)).TrimEnd('/') + "/";
        string Inside(string path, string what)
        {
            var resolved = ConfigRepository.Resolve(path);
            return resolved.StartsWith(source, StringComparison.Ordinal)
                ? path
                : throw new Errors.BadInputException($"{what} '{path}' is outside the source '{sourceDir}'");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Inside(Path.GetFullPath(projectFile), "project")]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current) || !File.Exists(current))
            {
                continue;
            }
            System.Xml.Linq.XDocument document;
            try
            {
                document = System.Xml.Linq.XDocument.Load(current);
            }
            catch (System.Xml.XmlException e)
            {
                throw new Errors.BadInputException($"{current}:{e.LineNumber}:{e.LinePosition}: not a valid project file: {e.Message}");
            }
            foreach (var reference in document.Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
            {
                if (reference.Attribute("Include")?.Value is { } include)
                {
                    pending.Push(Inside(Path.GetFullPath(include.Replace('\\', '/'), Path.GetDirectoryName(current)!), $"{current}: project reference"));
                }
            }
        }
        return [.. seen.Select(p => Path.Combine(Path.GetDirectoryName(p)!, "packages.lock.json")).Where(File.Exists)
            .Select(p => Inside(p, "lock file")).Order(StringComparer.Ordinal)];
    }

    private static StorePath Parse(StoreDirectory storeDir, string rendered) =>
        storeDir.TryParse(rendered, out var path, out var error)
            ? path
            : throw new InvalidOperationException($"'{rendered}' {error.Describe()}");
}
