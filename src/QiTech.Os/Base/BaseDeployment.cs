using QiTech.Os.Errors;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Base;

/// <summary>
/// A base checked out for booting, as an OSTree deployment: <c>R/qitech/deploy/&lt;base hash&gt;/</c>
/// holds the base's <c>usr</c> (bind-mounted read-only on /usr by the stage-2 init), and its
/// <c>etc</c> and <c>var</c> (the defaults a machine lacks). Files whose store form says all
/// there is are hard links into the store; those the metadata describes otherwise (owner,
/// mode, capability) are copies with that metadata. Built under a temporary name, synced and
/// renamed into place, so a crash leaves either no deployment or a whole one. One deployment
/// serves every generation with that base; it is removed when no generation uses it.
/// </summary>
public sealed class BaseDeployment(SystemLayout layout)
{
    /// <summary>The parts of the base's root that are deployed.</summary>
    public static readonly IReadOnlyList<string> Parts = ["usr", "etc", "var"];

    private const string TempPrefix = ".tmp-";

    public string PathOf(StorePath basePath) => layout.DeployDir + "/" + basePath.HashPart;

    public bool IsDeployed(StorePath basePath) => Directory.Exists(PathOf(basePath));

    /// <summary>The base a system links as <c>base</c>, or null when it runs on the host's OS.</summary>
    public static StorePath? BaseOf(SystemLayout layout, StorePath system)
    {
        var link = layout.PhysicalPath(system) + "/base";
        if (!Posix.TryStat(Posix.AtFdCwd, Posix.Z(link), out var st) || !st.IsSymlink)
        {
            return null;
        }
        var target = Posix.Show(Posix.ReadLink(Posix.AtFdCwd, Posix.Z(link), link));
        return layout.StoreDir.TryParse(target, out var path, out _) ? path
            : throw new QiTechOsException($"{layout.StoreDir.Render(system)}/base: '{target}' is not a store path");
    }

    /// <summary>Deploys the base unless it is; returns true when it was made now.</summary>
    public bool Deploy(StorePath basePath, CancellationToken cancel = default)
    {
        var final = PathOf(basePath);
        if (Directory.Exists(final))
        {
            return false;
        }
        if (!Posix.IsRoot)
        {
            throw new QiTechOsException($"deploying {layout.StoreDir.Render(basePath)} needs root: it sets owners and capabilities");
        }
        var source = layout.PhysicalPath(basePath);
        var metadata = BaseMetadata.Read(source + "/" + BaseMetadata.FileName);
        Directory.CreateDirectory(layout.DeployDir);
        var temp = layout.DeployDir + "/" + TempPrefix + basePath.HashPart;
        TreeRemover.Remove(temp);
        Directory.CreateDirectory(temp);
        foreach (var part in Parts)
        {
            var from = source + "/" + BaseBuilder.RootDir + "/" + part;
            if (Directory.Exists(from))
            {
                Copy(from, temp + "/" + part, part, metadata, cancel);
            }
        }
        Posix.SyncFileSystem(temp);
        if (!Posix.RenameAt(Posix.AtFdCwd, Posix.Z(temp), Posix.AtFdCwd, Posix.Z(final)))
        {
            throw Posix.Error("cannot move the deployment into place", final);
        }
        Posix.FsyncDirectory(layout.DeployDir);
        return true;
    }

    /// <summary>Removes the deployments (and leftovers of interrupted ones) of bases not in <paramref name="inUse"/>; returns what was removed.</summary>
    public IReadOnlyList<string> RemoveUnused(IEnumerable<StorePath> inUse)
    {
        if (!Directory.Exists(layout.DeployDir))
        {
            return [];
        }
        var keep = inUse.Select(b => b.HashPart).ToHashSet(StringComparer.Ordinal);
        var removed = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(layout.DeployDir))
        {
            var name = Path.GetFileName(dir);
            if (name.StartsWith(TempPrefix, StringComparison.Ordinal) || !keep.Contains(name))
            {
                TreeRemover.Remove(dir);
                removed.Add(dir);
            }
        }
        return removed;
    }

    private static void Copy(string from, string to, string relative, BaseMetadata metadata, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        var st = Posix.Stat(from);
        var entry = metadata.Of(relative);
        if (st.IsDirectory)
        {
            Directory.CreateDirectory(to);
            foreach (var name in Posix.ListDirectory(Posix.AtFdCwd, Posix.Z(from), from))
            {
                var shown = Posix.Show(name);
                Copy(from + "/" + shown, to + "/" + shown, relative + "/" + shown, metadata, cancel);
            }
            Apply(to, entry?.Mode ?? Posix.Mode0755, entry);
        }
        else if (st.IsSymlink)
        {
            var target = Posix.ReadLink(Posix.AtFdCwd, Posix.Z(from), from);
            if (!Posix.SymlinkAt(Posix.Z(target), Posix.AtFdCwd, Posix.Z(to)))
            {
                throw Posix.Error("cannot make symlink", to);
            }
            if (entry != null)
            {
                Posix.Chown(to, entry.Uid, entry.Gid);
            }
        }
        else if ((entry == null || IsStoreForm(entry, st)) && Posix.LinkAt(Posix.AtFdCwd, Posix.Z(from), Posix.AtFdCwd, Posix.Z(to)))
        {
            // The store's own file: its canonical mode (0444/0555, root) is what the base had, but for write bits.
        }
        else
        {
            File.Copy(from, to);
            Apply(to, entry?.Mode ?? (st.IsExecutable ? Posix.Mode0755 : 0x1A4), entry);
        }
    }

    /// <summary>
    /// True when the recorded metadata is exactly what the store's file already has, e.g. udev's
    /// 13 MB hwdb.bin recorded as 0444 root: a link serves, and a copy would cost every base that much.
    /// </summary>
    private static bool IsStoreForm(BaseMetadataEntry entry, Posix.Statx st) =>
        entry.Kind == BaseMetadataEntry.File && entry.Capability == null
        && entry.Uid == st.Uid && entry.Gid == st.Gid && entry.Mode == (st.Mode & 0xFFFu);

    /// <summary>Owner first, then mode (a change of owner clears setuid), then the capability.</summary>
    private static void Apply(string path, uint mode, BaseMetadataEntry? entry)
    {
        if (entry != null)
        {
            Posix.Chown(path, entry.Uid, entry.Gid);
        }
        if (!Posix.ChmodAt(Posix.AtFdCwd, Posix.Z(path), mode))
        {
            throw Posix.Error("cannot set mode", path);
        }
        if (entry?.Capability is { } capability)
        {
            Posix.SetAttribute(path, Posix.CapabilityAttribute, capability);
        }
    }
}
