namespace QiTech.Os.Build;

/// <summary>One package pinned by a lock file: id, exact version and the SHA-512 of its .nupkg (base64).</summary>
public sealed record NuGetPackage(string Id, string Version, string ContentHash)
{
    /// <summary>The file name in a flat local feed: lowercase <c>id.version.nupkg</c>.</summary>
    public string FileName => $"{Id.ToLowerInvariant()}.{Version.ToLowerInvariant()}.nupkg";
}
