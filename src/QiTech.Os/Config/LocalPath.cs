namespace QiTech.Os.Config;

/// <summary>
/// A file or directory on the building machine that goes into the store (a prebuilt package,
/// an <c>environment.etc</c> source). Only its store path reaches the system, never this path,
/// so two clones in different folders build the same system.
/// </summary>
public sealed record LocalPath(string FullPath)
{
    /// <summary>
    /// A package's source directory: it enters the store as git would commit it, named
    /// <c>source</c> (<see cref="ILocalPathImporter.ImportSource"/>), wherever it is named.
    /// </summary>
    public bool IsSource { get; init; }

    /// <summary>The store name Nix would give it: the last path component.</summary>
    public string Name => Path.GetFileName(FullPath.TrimEnd('/'));

    public override string ToString() => FullPath;
}
