using System.Xml.Linq;
using QiTech.Os.Errors;

namespace QiTech.Os.Build;

/// <summary>
/// The runtime packs a self-contained publish copies the .NET runtime from
/// (<c>Microsoft.NETCore.App.Runtime.&lt;rid&gt;</c>, and <c>Microsoft.AspNetCore.App.Runtime.&lt;rid&gt;</c>
/// for a web project). NuGet restores them as PackageDownload items, which packages.lock.json
/// does not record (NuGet/Home#7724), so they are pinned in <see cref="LockFileName"/> at the
/// root of the source, in the lock file's own format, and enter the build's feed checked by
/// hash like every other package. The SDK chooses their version (its bundled
/// <c>LatestRuntimeFrameworkVersion</c>): a lock for another version is refused before anything
/// is built, naming both.
/// </summary>
public static class DotnetRuntimePacks
{
    public const string LockFileName = "runtime-packs.lock.json";

    public static readonly IReadOnlyList<string> Frameworks = ["Microsoft.NETCore.App", "Microsoft.AspNetCore.App"];

    /// <summary>The pinned packs for <paramref name="runtime"/>, checked against the SDK's versions.</summary>
    public static IReadOnlyList<NuGetPackage> Read(string sourceDir, string runtime, HostInput sdk)
    {
        var path = Path.Combine(sourceDir, LockFileName);
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: a self-contained publish for {runtime} needs this file pinning the .NET runtime packs (see ARCHITECTURE.md, 'The .NET runtime')");
        }
        var packs = NuGetLockFile.Read(path).Where(p => p.Id.EndsWith("." + runtime, StringComparison.OrdinalIgnoreCase)).ToList();
        var wanted = SdkVersions(sdk, runtime);
        var core = "Microsoft.NETCore.App.Runtime." + runtime;
        if (!packs.Any(p => p.Id.Equals(core, StringComparison.OrdinalIgnoreCase)))
        {
            throw new BadInputException($"{path}: pins no {core}, which a self-contained publish for {runtime} needs");
        }
        foreach (var pack in packs)
        {
            if (wanted.TryGetValue(pack.Id, out var version) && version != pack.Version)
            {
                throw new BadInputException($"{path}: pins {pack.Id} {pack.Version} but the .NET SDK {sdk.Version} publishes with {version}: refresh the pin (see ARCHITECTURE.md, 'The .NET runtime')");
            }
        }
        return packs;
    }

    /// <summary>
    /// The runtime pack versions the SDK publishes with (its <c>Microsoft.NETCoreSdk.BundledVersions.props</c>),
    /// by pack id, for the target framework the SDK itself is.
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
        return versions;
    }
}
