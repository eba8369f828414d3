using QiTech.Os.Platform;

namespace QiTech.Os.Store;

/// <summary>
/// Resolves a path of the running system under a root: symlinks under a root hold logical
/// absolute targets ("/qitech/store/…"), as on a real machine, so each absolute target is
/// taken from the root again. ".." never climbs above the root.
/// </summary>
public static class RootedPath
{
    private const int MaxHops = 40;

    /// <summary>The physical place of <paramref name="logicalPath"/> with every symlink on the way followed.</summary>
    public static string Resolve(SystemLayout layout, string logicalPath)
    {
        if (!logicalPath.StartsWith('/'))
        {
            throw new ArgumentException($"'{logicalPath}' is not absolute", nameof(logicalPath));
        }
        var pending = new Stack<string>(Split(logicalPath).Reverse());
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                continue;
            }
            var physical = layout.Physical("/" + string.Join('/', resolved.Append(part)));
            if (Posix.TryStat(Posix.AtFdCwd, Posix.Z(physical), out var st) && st.IsSymlink)
            {
                if (++hops > MaxHops)
                {
                    throw new IOException($"{logicalPath}: too many levels of symbolic links");
                }
                var target = Posix.Show(Posix.ReadLink(Posix.AtFdCwd, Posix.Z(physical), physical));
                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }
                foreach (var p in Split(target).Reverse())
                {
                    pending.Push(p);
                }
                continue;
            }
            resolved.Add(part);
        }
        return layout.Physical("/" + string.Join('/', resolved));
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
