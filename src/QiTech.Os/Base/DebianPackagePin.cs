using QiTech.Os.Nix;

namespace QiTech.Os.Base;

/// <summary>
/// One .deb of a base, pinned: which package (name, version, architecture), the archive's
/// priority (mmdebstrap's variants choose packages by it, so the offline mirror must carry it),
/// its size and SHA-256, and where it lies relative to a Debian mirror's root.
/// </summary>
public sealed record DebianPackagePin(string Name, string Version, string Architecture, string Priority, long Size, Sha256Digest Sha256, string Filename)
{
    /// <summary>"bash 5.2.15-2+b13 amd64", as error messages name a package.</summary>
    public string Describe() => $"{Name} {Version} {Architecture}";

    /// <summary>
    /// The name of its store path: the pool file's name with what a store path name cannot
    /// hold ('~', '%') turned into '_'. The hash part comes from the SHA-256 alone.
    /// </summary>
    public string StoreName =>
        new(System.IO.Path.GetFileName(Filename).Select(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.' or '_' or '?' or '=' ? c : '_').ToArray());

    /// <summary>Orders pins as the lock file lists them.</summary>
    public static int Compare(DebianPackagePin a, DebianPackagePin b)
    {
        var byName = string.CompareOrdinal(a.Name, b.Name);
        if (byName != 0)
        {
            return byName;
        }
        var byArch = string.CompareOrdinal(a.Architecture, b.Architecture);
        return byArch != 0 ? byArch : string.CompareOrdinal(a.Version, b.Version);
    }
}
