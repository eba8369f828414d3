using QiTech.Os.Store;

namespace QiTech.Os.Services;

/// <summary>
/// Maps the absolute paths a unit file names to where they are on this machine. On a real
/// machine (root "/") nothing changes. Under another root R, the paths the system itself
/// owns — the store directory, <c>/qitech/</c>, <c>/etc/</c>, <c>/run/</c>, <c>/var/</c> —
/// become R + path; every other absolute path (<c>/bin/sh</c>, <c>/usr/bin/env</c>, <c>/tmp</c>)
/// is the host's, which an embedded root shares. The program, each argument that is a
/// whole absolute path, WorkingDirectory= and EnvironmentFile= are mapped; text inside a
/// longer word (<c>--config=/etc/x</c>) is not: services find the root in <c>QITECH_ROOT</c>.
/// </summary>
public sealed class RootPathMapper(SystemLayout layout)
{
    private readonly string[] _ownedPrefixes = [layout.StoreDir.Path + "/", "/qitech/", "/etc/", "/run/", "/var/"];

    public SystemLayout Layout { get; } = layout;

    public bool IsIdentity => Layout.Root == "/";

    public string Map(string path)
    {
        if (IsIdentity || !path.StartsWith('/'))
        {
            return path;
        }
        foreach (var prefix in _ownedPrefixes)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal) || path == prefix[..^1])
            {
                return Layout.Physical(path);
            }
        }
        return path;
    }

    /// <summary>
    /// Follows a chain of symlinks whose targets are logical absolute paths (as links under a
    /// root hold them) to the physical file; relative targets resolve against the link's folder.
    /// </summary>
    public string ResolvePhysical(string physicalPath)
    {
        var path = physicalPath;
        for (var hops = 0; hops < 40; hops++)
        {
            var info = new FileInfo(path);
            var target = info.Exists || Directory.Exists(path) || info.LinkTarget != null ? info.LinkTarget : null;
            if (target == null)
            {
                return path;
            }
            path = target.StartsWith('/') ? Map(target) : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, target));
        }
        throw new IOException($"{physicalPath}: too many levels of symbolic links");
    }
}
