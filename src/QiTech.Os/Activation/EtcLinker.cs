using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Activation;

/// <summary>
/// /etc managed as NixOS does: <c>R/etc/static</c> → <c>&lt;system&gt;/etc</c>, and for each entry
/// of the system's etc a link <c>R/etc/&lt;f&gt;</c> → <c>/etc/static/&lt;f&gt;</c>. A link is ours
/// exactly when it points to <c>/etc/static/</c> + its own name; anything else is the
/// administrator's and is never touched. Every operation is idempotent, so a crash recovery
/// can simply run it again.
/// </summary>
public sealed class EtcLinker(SystemLayout layout)
{
    private const string StaticName = "static";

    public string StaticLink => layout.EtcDir + "/" + StaticName;

    /// <summary>Atomically points <c>/etc/static</c> at the system's etc.</summary>
    public void FlipStatic(string systemLogicalPath, SyncBatch? batch = null) => AtomicLink.Replace(StaticLink, systemLogicalPath + "/etc", batch);

    /// <summary>
    /// Links every entry of <paramref name="wanted"/>, removes our links for the entries of
    /// <paramref name="previous"/> that are gone. Returns the entries left alone because a
    /// file of someone else's is in the way. The touched directories are synced at the end,
    /// or left to <paramref name="batch"/>.
    /// </summary>
    public IReadOnlyList<string> Update(IReadOnlyCollection<string> previous, IReadOnlyCollection<string> wanted, SyncBatch? batch = null)
    {
        var foreign = new List<string>();
        var wantedSet = new HashSet<string>(wanted, StringComparer.Ordinal);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in previous.Where(e => !wantedSet.Contains(e) && IsManageable(e)))
        {
            var path = layout.EtcDir + "/" + entry;
            if (IsOurs(path, entry))
            {
                File.Delete(path);
                touched.Add(RemoveEmptiedParents(entry));
                FaultInjection.Point("after-etc-link");
            }
        }
        foreach (var entry in wanted.Where(IsManageable))
        {
            var path = layout.EtcDir + "/" + entry;
            if (!Posix.TryStat(Posix.AtFdCwd, Posix.Z(path), out _))
            {
                if (!PrepareParents(entry))
                {
                    foreign.Add(entry);
                    continue;
                }
                File.CreateSymbolicLink(path, Target(entry));
                touched.Add(Path.GetDirectoryName(path)!);
                FaultInjection.Point("after-etc-link");
            }
            else if (!IsOurs(path, entry))
            {
                foreign.Add(entry);
            }
        }
        foreach (var dir in touched)
        {
            if (batch != null)
            {
                batch.Touched(dir);
            }
            else
            {
                Posix.FsyncDirectory(dir);
            }
        }
        return foreign;
    }

    /// <summary>
    /// Removes the directories a removal left empty (made for our links), up to /etc; returns
    /// the directory that still exists, for syncing.
    /// </summary>
    private string RemoveEmptiedParents(string entry)
    {
        var relative = Path.GetDirectoryName(entry) ?? "";
        while (relative.Length > 0)
        {
            var dir = layout.EtcDir + "/" + relative;
            if (Directory.EnumerateFileSystemEntries(dir).Any() || !Posix.UnlinkAt(Posix.AtFdCwd, Posix.Z(dir), directory: true))
            {
                return dir;
            }
            relative = Path.GetDirectoryName(relative) ?? "";
        }
        return layout.EtcDir;
    }

    private static string Target(string entry) => "/etc/" + StaticName + "/" + entry;

    private static bool IsManageable(string entry) =>
        entry != StaticName && !entry.StartsWith(StaticName + "/", StringComparison.Ordinal)
        && !entry.Split('/').Any(p => p is "" or "." or "..");

    private static bool IsOurs(string path, string entry) =>
        Posix.TryStat(Posix.AtFdCwd, Posix.Z(path), out var st) && st.IsSymlink
        && Posix.Show(Posix.ReadLink(Posix.AtFdCwd, Posix.Z(path), path)) == Target(entry);

    /// <summary>
    /// Makes the real directories an entry lives in. A directory that an older system linked
    /// whole (ours) is replaced by a real one; someone else's file in the way means no link.
    /// </summary>
    private bool PrepareParents(string entry)
    {
        var parts = entry.Split('/');
        var relative = "";
        for (var i = 0; i < parts.Length - 1; i++)
        {
            relative = relative.Length == 0 ? parts[i] : relative + "/" + parts[i];
            var path = layout.EtcDir + "/" + relative;
            if (!Posix.TryStat(Posix.AtFdCwd, Posix.Z(path), out var st))
            {
                Directory.CreateDirectory(path);
                continue;
            }
            if (st.IsDirectory)
            {
                continue;
            }
            if (!IsOurs(path, relative))
            {
                return false;
            }
            File.Delete(path);
            Directory.CreateDirectory(path);
        }
        return true;
    }
}
