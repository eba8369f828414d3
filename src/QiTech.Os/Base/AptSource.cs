namespace QiTech.Os.Base;

/// <summary>One Debian repository of the build machine's apt sources: its URI, the release as the sources name it, its components.</summary>
public sealed record AptSource(string Uri, string Release, IReadOnlyList<string> Components)
{
    /// <summary>The one-line sources.list form mmdebstrap takes as a mirror.</summary>
    public string ToSourcesLine(string architecture) => $"deb [arch={architecture}] {Uri} {Release} {string.Join(' ', Components)}";

    /// <summary>Where a pool file of this repository is: the URI joined with the path.</summary>
    public string FileUri(string poolPath) => Uri.TrimEnd('/') + "/" + poolPath;
}
