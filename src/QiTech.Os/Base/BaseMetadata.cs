using System.Text;
using QiTech.Os.Platform;

namespace QiTech.Os.Base;

/// <summary>
/// The <c>metadata</c> file of a base store path: one <see cref="BaseMetadataEntry"/> per
/// entry of <c>root/</c> that the store's canonical form does not describe, sorted by path
/// (ordinal), so the same tree always gives the same bytes.
/// </summary>
public sealed class BaseMetadata
{
    public const string FileName = "metadata";

    private readonly Dictionary<string, BaseMetadataEntry> _entries;

    public BaseMetadata(IEnumerable<BaseMetadataEntry> entries) =>
        _entries = entries.ToDictionary(e => e.Path, StringComparer.Ordinal);

    public IEnumerable<BaseMetadataEntry> Entries => _entries.Values.OrderBy(e => e.Path, StringComparer.Ordinal);

    /// <summary>The entry of a path relative to <c>root/</c> ("usr/bin/su"), or null when it is canonical.</summary>
    public BaseMetadataEntry? Of(string relativePath) => _entries.GetValueOrDefault(relativePath);

    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var entry in Entries)
        {
            text.Append(entry.ToLine()).Append('\n');
        }
        return text.ToString();
    }

    public static BaseMetadata Read(string file)
    {
        var lines = File.ReadAllLines(file);
        return new BaseMetadata(lines.Where(l => l.Length > 0).Select((l, i) => BaseMetadataEntry.Parse(l, $"{file}:{i + 1}")));
    }

    /// <summary>
    /// Walks a root tree (as root made it: real owners, modes, capabilities, device nodes)
    /// and records every entry that is not canonical.
    /// </summary>
    public static BaseMetadata Scan(string root)
    {
        var entries = new List<BaseMetadataEntry>();
        Walk(root, "");
        return new BaseMetadata(entries);

        void Walk(string dir, string prefix)
        {
            foreach (var name in Posix.ListDirectory(Posix.AtFdCwd, Posix.Z(dir), dir))
            {
                var shown = Posix.Show(name);
                if (shown.Contains('\t') || shown.Contains('\n'))
                {
                    throw new Build.BuildException($"{dir}/{shown}: a name with a tab or newline cannot be recorded in the base's metadata");
                }
                var path = dir + "/" + shown;
                var relative = prefix + shown;
                var st = Posix.Stat(path);
                var kind = KindOf(st.Mode);
                var mode = (uint)st.Mode & 0xFFF;
                var capability = kind == BaseMetadataEntry.File ? Posix.GetAttribute(path, Posix.CapabilityAttribute) : null;
                if (!BaseMetadataEntry.IsCanonical(kind, mode, st.Uid, st.Gid, capability))
                {
                    (uint, uint)? device = kind is BaseMetadataEntry.CharDevice or BaseMetadataEntry.BlockDevice ? (st.RdevMajor, st.RdevMinor) : null;
                    entries.Add(new BaseMetadataEntry(relative, kind, mode, st.Uid, st.Gid, capability, device));
                }
                if (kind == BaseMetadataEntry.Directory)
                {
                    Walk(path, relative + "/");
                }
            }
        }
    }

    private static char KindOf(ushort mode) => (mode & 0xF000) switch
    {
        0x4000 => BaseMetadataEntry.Directory,
        0x8000 => BaseMetadataEntry.File,
        0xA000 => BaseMetadataEntry.Symlink,
        0x2000 => BaseMetadataEntry.CharDevice,
        0x6000 => BaseMetadataEntry.BlockDevice,
        0x1000 => BaseMetadataEntry.Fifo,
        _ => BaseMetadataEntry.Socket,
    };
}
