using System.Text;
using QiTech.Os.Platform;

namespace QiTech.Os.Config;

/// <summary>
/// The files of a system closure, collected in memory by the modules and written out in one
/// go, in name order, so the same configuration always gives the same tree. Two modules (or a
/// module and <c>environment.etc</c>) writing one path is an error at the second.
/// </summary>
public sealed class SystemTree(ILocalPathImporter importer)
{
    private readonly SortedDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>The store path that a local file or directory goes to.</summary>
    public string StorePathOf(LocalPath path) => importer.Import(path);

    public IEnumerable<string> Paths => entries.Keys;

    public void AddFile(string relativePath, string text, SourceLocation origin, OptionPath optionPath, bool executable = false) =>
        Add(relativePath, new Entry(Encoding.UTF8.GetBytes(text), null, executable, origin), optionPath);

    public void AddSymlink(string relativePath, string target, SourceLocation origin, OptionPath optionPath) =>
        Add(relativePath, new Entry(null, target, false, origin), optionPath);

    public bool Contains(string relativePath) => entries.ContainsKey(relativePath);

    /// <summary>The text of a file in the tree (tests, diffs).</summary>
    public string? ReadText(string relativePath) =>
        entries.TryGetValue(relativePath, out var e) && e.Contents != null ? Encoding.UTF8.GetString(e.Contents) : null;

    private void Add(string relativePath, Entry entry, OptionPath optionPath)
    {
        if (!IsSafeRelative(relativePath))
        {
            throw ConfigException.At(entry.Origin, optionPath, $"'{relativePath}' is not a relative path inside the system");
        }
        if (entries.TryGetValue(relativePath, out var existing))
        {
            throw ConfigException.At(entry.Origin, optionPath, $"file {relativePath} is also made by {existing.Origin}");
        }
        foreach (var other in entries.Keys)
        {
            if (other.StartsWith(relativePath + "/", StringComparison.Ordinal) || relativePath.StartsWith(other + "/", StringComparison.Ordinal))
            {
                throw ConfigException.At(entry.Origin, optionPath, $"file {relativePath} clashes with {other} made by {entries[other].Origin}");
            }
        }
        entries[relativePath] = entry;
    }

    public static bool IsSafeRelative(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.EndsWith('/') && !path.Contains('\0')
        && path.Split('/').All(s => s is not ("" or "." or ".."));

    /// <summary>Writes the tree into an empty or missing directory.</summary>
    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (relative, entry) in entries)
        {
            var full = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (entry.SymlinkTarget != null)
            {
                File.CreateSymbolicLink(full, entry.SymlinkTarget);
            }
            else
            {
                File.WriteAllBytes(full, entry.Contents!);
                File.SetUnixFileMode(full, entry.Executable ? (UnixFileMode)Posix.Mode0755 : ReadWrite);
            }
        }
    }

    private const UnixFileMode ReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private sealed record Entry(byte[]? Contents, string? SymlinkTarget, bool Executable, SourceLocation Origin);
}
