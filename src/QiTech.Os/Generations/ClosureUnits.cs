using QiTech.Os.Store;

namespace QiTech.Os.Generations;

/// <summary>
/// The unit files of a system closure (<c>etc/systemd/system</c>), read through the root with
/// every logical symlink followed, and which of them start at boot. Activation
/// (<see cref="SystemClosure"/>) and the embedded supervisor (<c>LoadedSystem</c>) read a
/// closure's units only through it, so both see the same files and enable the same units.
/// </summary>
public sealed class ClosureUnits
{
    /// <summary>Where a closure keeps its units, relative to its top.</summary>
    public const string Folder = "etc/systemd/system";

    private readonly SystemLayout _layout;
    private readonly IReadOnlySet<string> _linked;

    private ClosureUnits(SystemLayout layout, string logicalFolder, IReadOnlyDictionary<string, string> files, IReadOnlySet<string> linked)
    {
        _layout = layout;
        LogicalFolder = logicalFolder;
        Files = files;
        _linked = linked;
    }

    /// <summary>The units' folder as the unit files name it ("/qitech/store/…-system/etc/systemd/system").</summary>
    public string LogicalFolder { get; }

    /// <summary>Each unit's name and the physical path of its file, by name; a link to nothing is left out.</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary>The units of the closure at the logical <paramref name="logicalClosure"/>; none when it has no unit folder.</summary>
    public static ClosureUnits Read(SystemLayout layout, string logicalClosure)
    {
        var logicalFolder = logicalClosure + "/" + Folder;
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var linked = new HashSet<string>(StringComparer.Ordinal);
        var folder = RootedPath.Resolve(layout, logicalFolder);
        if (Directory.Exists(folder))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
            {
                var name = Path.GetFileName(entry);
                var physical = RootedPath.Resolve(layout, logicalFolder + "/" + name);
                if (UnitInstallSection.IsEnablingFolder(name) && Directory.Exists(physical))
                {
                    linked.UnionWith(Directory.EnumerateFileSystemEntries(physical).Select(e => Path.GetFileName(e)));
                }
                else if (File.Exists(physical))
                {
                    files[name] = physical;
                }
            }
        }
        return new ClosureUnits(layout, logicalFolder, files, linked);
    }

    /// <summary>
    /// Whether the unit starts at boot: <c>[Install] WantedBy=</c> or <c>RequiredBy=</c> in its
    /// <paramref name="text"/>, or a link in a <c>*.wants/</c> or <c>*.requires/</c> folder (what
    /// <c>systemctl enable</c> makes). A unit that is only present is started by hand, never by a
    /// switch or a boot, as on NixOS.
    /// </summary>
    public bool IsEnabled(string name, string text) => _linked.Contains(name) || UnitInstallSection.EnablesItself(text);

    /// <summary>The physical folder of the unit's drop-ins (<c>name.d/</c>), when it has one.</summary>
    public string? DropInFolder(string name)
    {
        var folder = RootedPath.Resolve(_layout, LogicalFolder + "/" + name + ".d");
        return Directory.Exists(folder) ? folder : null;
    }
}
