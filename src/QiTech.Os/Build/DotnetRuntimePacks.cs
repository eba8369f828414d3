using System.Runtime.InteropServices;
using System.Xml.Linq;
using QiTech.Os.Errors;

namespace QiTech.Os.Build;

/// <summary>
/// The runtime packs a self-contained publish copies the .NET runtime from
/// (<c>Microsoft.NETCore.App.Runtime.&lt;rid&gt;</c>, and <c>Microsoft.AspNetCore.App.Runtime.&lt;rid&gt;</c>
/// for a web project). NuGet restores them as PackageDownload items, which packages.lock.json
/// does not record (NuGet/Home#7724), so they are pinned in <see cref="LockFileName"/> at the
/// root of the source, in the lock file's own format, and enter the build's feed checked by
/// hash like every other package. A NativeAOT publish also downloads the runtime it links in
/// (<c>Microsoft.NETCore.App.Runtime.NativeAOT.&lt;rid&gt;</c>); the ILCompiler packages themselves
/// are package references its project's packages.lock.json pins. The SDK chooses their version
/// (its bundled <c>LatestRuntimeFrameworkVersion</c> and <c>ILCompilerPackVersion</c>): a lock for
/// another version is refused before anything is built, naming both.
/// </summary>
public static class DotnetRuntimePacks
{
    public const string LockFileName = "runtime-packs.lock.json";

    public static readonly IReadOnlyList<string> Frameworks = ["Microsoft.NETCore.App", "Microsoft.AspNetCore.App"];

    /// <summary>The runtime a NativeAOT program links in, by runtime identifier appended.</summary>
    private const string NativeAotPackPrefix = "Microsoft.NETCore.App.Runtime.NativeAOT.";

    /// <summary>The ReadyToRun compiler, by the build machine's runtime identifier appended (it runs there, whatever the target).</summary>
    private const string Crossgen2PackPrefix = "Microsoft.NETCore.App.Crossgen2.";

    /// <summary>
    /// The pinned packs a self-contained publish for <paramref name="runtime"/> restores, checked
    /// against the versions of <paramref name="sdk"/>, the installed SDK the package builds with
    /// (null when this host lacks it); with <paramref name="nativeAot"/> the NativeAOT runtime pack too,
    /// with <paramref name="readyToRun"/> the Crossgen2 pack for this build machine.
    /// </summary>
    public static IReadOnlyList<NuGetPackage> Read(string sourceDir, string runtime, HostInput? sdk, bool nativeAot = false, bool readyToRun = false)
    {
        var path = Path.Combine(sourceDir, LockFileName);
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: a self-contained publish for {runtime} needs this file pinning the .NET runtime packs (see ARCHITECTURE.md, 'The .NET runtime')");
        }
        var nativeAotPack = NativeAotPackPrefix + runtime;
        var crossgenPack = Crossgen2PackPrefix + RuntimeInformation.RuntimeIdentifier;
        var packs = NuGetLockFile.Read(path)
            .Where(p => p.Id.StartsWith(Crossgen2PackPrefix, StringComparison.OrdinalIgnoreCase)
                ? readyToRun && p.Id.Equals(crossgenPack, StringComparison.OrdinalIgnoreCase)
                : p.Id.EndsWith("." + runtime, StringComparison.OrdinalIgnoreCase))
            .Where(p => nativeAot || !p.Id.Equals(nativeAotPack, StringComparison.OrdinalIgnoreCase))
            .ToList();
        // Without the SDK here there is nothing to check against: building, which needs it, is refused.
        var wanted = sdk == null ? new Dictionary<string, string>() : SdkVersions(sdk, runtime);
        var needed = new List<string> { "Microsoft.NETCore.App.Runtime." + runtime };
        if (nativeAot)
        {
            needed.Add(nativeAotPack);
        }
        if (readyToRun)
        {
            needed.Add(crossgenPack);
        }
        foreach (var id in needed.Where(id => !packs.Any(p => p.Id.Equals(id, StringComparison.OrdinalIgnoreCase))))
        {
            throw new BadInputException($"{path}: pins no {id}, which a {(nativeAot ? "NativeAOT" : readyToRun ? "ReadyToRun" : "self-contained")} publish for {runtime} needs");
        }
        foreach (var pack in packs)
        {
            if (wanted.TryGetValue(pack.Id, out var version) && version != pack.Version)
            {
                throw new BadInputException($"{path}: pins {pack.Id} {pack.Version} but the .NET SDK {sdk!.Version} publishes with {version}: refresh the pin (see ARCHITECTURE.md, 'The .NET runtime')");
            }
        }
        return packs;
    }

    /// <summary>
    /// The runtime pack versions the SDK publishes with (its <c>Microsoft.NETCoreSdk.BundledVersions.props</c>),
    /// the NativeAOT runtime pack's included, by pack id, for the target framework the SDK itself is.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SdkVersions(HostInput sdk, string runtime)
    {
        var props = Path.Combine(sdk.HostPath, "sdk", sdk.Version, "Microsoft.NETCoreSdk.BundledVersions.props");
        XDocument document;
        try
        {
            document = XDocument.Load(props);
        }
        catch (Exception e) when (e is IOException or System.Xml.XmlException or UnauthorizedAccessException)
        {
            throw new BuildException($"cannot read the runtime versions of the .NET SDK {sdk.Version}: {props}: {e.Message}");
        }
        var framework = "net" + string.Join('.', sdk.Version.Split('.').Take(2));
        var versions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var reference in document.Descendants().Where(e => e.Name.LocalName == "KnownFrameworkReference"))
        {
            var name = (string?)reference.Attribute("Include");
            var pattern = (string?)reference.Attribute("RuntimePackNamePatterns");
            var version = (string?)reference.Attribute("LatestRuntimeFrameworkVersion");
            if ((string?)reference.Attribute("TargetFramework") == framework && name != null && Frameworks.Contains(name) && pattern != null && version != null)
            {
                versions.TryAdd(pattern.Replace("**RID**", runtime, StringComparison.Ordinal), version);
            }
        }
        foreach (var crossgen in document.Descendants().Where(e => e.Name.LocalName == "KnownCrossgen2Pack"))
        {
            var pattern = (string?)crossgen.Attribute("Crossgen2PackNamePattern");
            var version = (string?)crossgen.Attribute("Crossgen2PackVersion");
            if ((string?)crossgen.Attribute("TargetFramework") == framework && pattern != null && version != null)
            {
                versions.TryAdd(pattern.Replace("**RID**", RuntimeInformation.RuntimeIdentifier, StringComparison.Ordinal), version);
            }
        }
        foreach (var compiler in document.Descendants().Where(e => e.Name.LocalName == "KnownILCompilerPack"))
        {
            var pattern = (string?)compiler.Attribute("ILCompilerRuntimePackNamePattern");
            var version = (string?)compiler.Attribute("ILCompilerPackVersion");
            if ((string?)compiler.Attribute("TargetFramework") == framework && pattern != null && version != null)
            {
                versions.TryAdd(pattern.Replace("**RID**", runtime, StringComparison.Ordinal), version);
            }
        }
        return versions;
    }
}
