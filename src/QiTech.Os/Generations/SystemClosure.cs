using System.Security.Cryptography;
using QiTech.Os.Errors;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Sources;
using QiTech.Os.Store;

namespace QiTech.Os.Generations;

/// <summary>
/// A built system: a store path holding <c>etc/</c> (with <c>etc/systemd/system/*.service</c>),
/// <c>sw/</c>, <c>kernel-params</c> and <c>qitech-os-release</c>. <see cref="Open"/> checks
/// that shape; everything else reads through the root, following logical symlinks.
/// </summary>
public sealed class SystemClosure
{
    /// <summary>Unit kinds activation starts, stops and restarts.</summary>
    private static readonly string[] ManagedUnitSuffixes = [".service", ".socket", ".timer", ".path"];

    private readonly SystemLayout _layout;

    private SystemClosure(SystemLayout layout, StorePath path)
    {
        _layout = layout;
        Path = path;
    }

    public StorePath Path { get; }

    /// <summary>The logical path, "/qitech/store/&lt;hash&gt;-name".</summary>
    public string LogicalPath => _layout.StoreDir.Render(Path);

    /// <summary>Where <c>etc/</c> physically is (symlinks followed).</summary>
    public string EtcDir => RootedPath.Resolve(_layout, LogicalPath + "/etc");

    /// <summary>Checks the shape of a system closure; a <see cref="BadInputException"/> names what is missing.</summary>
    public static SystemClosure Open(SystemLayout layout, StorePath path)
    {
        var closure = new SystemClosure(layout, path);
        var logical = closure.LogicalPath;
        if (!Directory.Exists(layout.PhysicalPath(path)))
        {
            throw NotASystem(logical, "it is not a directory in the store");
        }
        foreach (var dir in new[] { "etc", "sw" })
        {
            if (!Directory.Exists(closure.Resolve(dir)))
            {
                throw NotASystem(logical, $"missing {dir}/");
            }
        }
        foreach (var file in new[] { "kernel-params", ReleaseFile.FileName })
        {
            if (!File.Exists(closure.Resolve(file)))
            {
                throw NotASystem(logical, $"missing {file}");
            }
        }
        return closure;
    }

    public static BadInputException NotASystem(string what, string why) =>
        new($"not a valid system closure: {what}: {why}");

    public VersionInfo Version() => ReleaseFile.Parse(File.ReadAllText(Resolve(ReleaseFile.FileName)));

    /// <summary>The kernel command line this system asks for, on one line.</summary>
    public string KernelParams() =>
        string.Join(' ', File.ReadAllText(Resolve("kernel-params")).Split((char[])[' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The physical path of a file of the closure, when it exists (kernel, initrd).</summary>
    public string? OptionalFile(string relative)
    {
        var path = Resolve(relative);
        return File.Exists(path) ? path : null;
    }

    /// <summary>
    /// The units activation manages, each with a digest of its file plus drop-ins, so two
    /// systems can be compared by content. Templates ("x@.service") are left out: only their
    /// instances run.
    /// </summary>
    public IReadOnlyDictionary<string, Sha256Digest> Units()
    {
        var units = ClosureUnits.Read(_layout, LogicalPath);
        var result = new SortedDictionary<string, Sha256Digest>(StringComparer.Ordinal);
        foreach (var (name, file) in units.Files.Where(u => IsManaged(u.Key)))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(File.ReadAllBytes(file));
            if (units.DropInFolder(name) is { } dropIns)
            {
                foreach (var conf in Directory.EnumerateFiles(dropIns, "*.conf").Order(StringComparer.Ordinal))
                {
                    hash.AppendData("\0"u8);
                    hash.AppendData(System.Text.Encoding.UTF8.GetBytes(System.IO.Path.GetFileName(conf)));
                    hash.AppendData("\0"u8);
                    hash.AppendData(File.ReadAllBytes(conf));
                }
            }
            result[name] = new Sha256Digest(hash.GetHashAndReset());
        }
        return result;
    }

    /// <summary>The managed units that start at boot (<see cref="ClosureUnits.IsEnabled"/>).</summary>
    public IReadOnlySet<string> EnabledUnits()
    {
        var units = ClosureUnits.Read(_layout, LogicalPath);
        return new SortedSet<string>(
            units.Files.Where(u => IsManaged(u.Key) && units.IsEnabled(u.Key, File.ReadAllText(u.Value))).Select(u => u.Key),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// Every entry of <c>etc/</c> that gets its own link in the root's /etc, as relative paths:
    /// files and symlinks; real directories are walked into (a symlinked directory is one entry).
    /// </summary>
    public IReadOnlyList<string> EtcEntries()
    {
        var result = new List<string>();
        var root = EtcDir;
        Walk(root, "");
        result.Sort(StringComparer.Ordinal);
        return result;

        void Walk(string dir, string prefix)
        {
            foreach (var name in Posix.ListDirectory(Posix.AtFdCwd, Posix.Z(dir), dir))
            {
                var shown = Posix.Show(name);
                var physical = dir + "/" + shown;
                var st = Posix.Stat(physical);
                if (st.IsDirectory)
                {
                    Walk(physical, prefix + shown + "/");
                }
                else
                {
                    result.Add(prefix + shown);
                }
            }
        }
    }

    private static bool IsManaged(string name) =>
        ManagedUnitSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal)) && !name.Contains("@.", StringComparison.Ordinal);

    private string Resolve(string relative) => RootedPath.Resolve(_layout, LogicalPath + "/" + relative);
}
