namespace QiTech.Os.Config;

/// <summary>
/// A file or directory on the building machine that goes into the store (a prebuilt package,
/// an <c>environment.etc</c> source). Only its store path reaches the system, never this path,
/// so two clones in different folders build the same system.
/// </summary>
public sealed record LocalPath(string FullPath)
{
    /// <summary>The store name Nix would give it: the last path component.</summary>
    public string Name => Path.GetFileName(FullPath.TrimEnd('/'));

    public override string ToString() => FullPath;
}
