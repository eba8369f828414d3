using QiTech.Os.Nix;
using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// Finds the store paths that must be kept. Links under a root hold logical targets
/// (<c>/qitech/store/…</c>, or another link such as <c>system-3-link</c>); each is
/// followed, through the layout, until it names a store path. Indirect roots
/// (<c>gcroots/auto/</c>, see <see cref="OutLink"/>) point to a link elsewhere on this host,
/// which keeps the store path it points to while it exists; temporary roots
/// (<c>gcroots/temp/</c>, see <see cref="TemporaryRoot"/>) only while their process holds them.
/// </summary>
public static class GcRoots
{
    public static IReadOnlyList<StorePath> Find(SystemLayout layout)
    {
        var roots = new List<StorePath>();
        var auto = Path.Combine(layout.GcRootsDir, OutLink.AutoFolder);
        var temp = TemporaryRoot.FolderOf(layout);
        foreach (var dir in new[] { layout.ProfilesDir, layout.GcRootsDir })
        {
            if (!Directory.Exists(dir))
            {
                continue;
            }
            foreach (var link in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories))
            {
                var folder = Path.GetDirectoryName(link);
                var path = folder == auto ? ResolveIndirect(layout, link)
                    : folder == temp && !TemporaryRoot.IsHeld(link) ? null
                    : Resolve(layout, link);
                if (path is { } found)
                {
                    roots.Add(found);
                }
            }
        }
        foreach (var link in new[] { layout.CurrentSystem, layout.BootedSystem })
        {
            if (Resolve(layout, link) is { } path)
            {
                roots.Add(path);
            }
        }
        return roots;
    }

    /// <summary>The store path the link an indirect root names points to; null once that link is gone or points elsewhere.</summary>
    private static StorePath? ResolveIndirect(SystemLayout layout, string autoLink)
    {
        string? outLink;
        try
        {
            outLink = new FileInfo(autoLink).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        // The out-link's path is a path of this host, not one under the root.
        return outLink != null && outLink.StartsWith('/') ? Resolve(layout, outLink) : null;
    }

    /// <summary>Follows a link (logically, under the root) to the store path it ends in, or null.</summary>
    public static StorePath? Resolve(SystemLayout layout, string physicalLink)
    {
        var current = physicalLink;
        for (var hop = 0; hop < 16; hop++)
        {
            string? target;
            try
            {
                target = new FileInfo(current).LinkTarget;
            }
            catch (IOException)
            {
                return null;
            }
            if (target == null)
            {
                return null;
            }
            if (!target.StartsWith('/'))
            {
                target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, target));
            }
            // A physical target (an out-link points to the store's files under the root) is the logical path under it.
            if (layout.Root != "/" && target.StartsWith(layout.Root + "/", StringComparison.Ordinal))
            {
                target = target[layout.Root.Length..];
            }
            if (layout.StoreDir.TryParseWithSubpath(target, out var path, out _))
            {
                return path;
            }
            current = layout.Physical(target);
        }
        return null;
    }
}
