using System.Security.Cryptography;
using System.Text;
using QiTech.Os.Errors;
using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// A symlink outside the store that keeps what it points to, as nix-build's <c>./result</c>:
/// the link points to the store path, and an indirect root in <c>gcroots/auto/</c> points to
/// the link. A collection keeps the path while the link still points into the store; once
/// the link is removed or replaced by something else, the root keeps nothing.
/// </summary>
public static class OutLink
{
    /// <summary>The folder of indirect roots under <see cref="QiTech.Os.Store.SystemLayout.GcRootsDir"/>.</summary>
    public const string AutoFolder = "auto";

    /// <summary>
    /// Points <paramref name="linkPath"/> (relative to the working directory) at <paramref name="path"/>
    /// and registers it as an indirect root; returns the link's full path. Call while the new
    /// path is still held from collection (<see cref="LocalStore.HoldOffGarbageCollection"/>).
    /// </summary>
    public static string Create(LocalStore store, StorePath path, string linkPath)
    {
        var link = Check(linkPath);
        var auto = Path.Combine(store.Layout.GcRootsDir, AutoFolder);
        Directory.CreateDirectory(auto);
        Flip(Path.Combine(auto, RootName(link)), link);
        Flip(link, store.PhysicalPath(path));
        return link;
    }

    /// <summary>
    /// The link's full path, refused when something other than a symlink is there or its folder
    /// is missing: checked before a build, so a bad name costs no build.
    /// </summary>
    public static string Check(string linkPath)
    {
        var link = Path.GetFullPath(linkPath);
        if (Path.Exists(link) && new FileInfo(link).LinkTarget == null)
        {
            throw new BadInputException($"out-link {link} exists and is not a symbolic link; remove it or name another with --out-link");
        }
        if (!Directory.Exists(Path.GetDirectoryName(link)))
        {
            throw new BadInputException($"out-link {link}: the folder {Path.GetDirectoryName(link)} does not exist");
        }
        return link;
    }

    /// <summary>The indirect root's name for a link: a hash of its full path, so one link has one root.</summary>
    public static string RootName(string fullLinkPath) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fullLinkPath)))[..32];

    // A new symlink under a temporary name renamed over the old one: a reader sees the old
    // target or the new one, never none.
    private static void Flip(string linkPath, string target)
    {
        var dir = Path.GetDirectoryName(linkPath)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(linkPath)}.{Environment.ProcessId}.tmp");
        File.Delete(temp);
        File.CreateSymbolicLink(temp, target);
        if (!Posix.RenameAt(Posix.AtFdCwd, Posix.Z(temp), Posix.AtFdCwd, Posix.Z(linkPath)))
        {
            var error = Posix.Error("cannot replace", linkPath);
            File.Delete(temp);
            throw error;
        }
    }
}
