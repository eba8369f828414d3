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
        Add(relativePath, new Entry(Encoding.UTF8.GetBytes(text), null, executable, origin, optionPath));

    public void AddSymlink(string relativePath, string target, SourceLocation origin, OptionPath optionPath) =>
        Add(relativePath, new Entry(null, target, false, origin, optionPath));

    /// <summary>A directory that exists even when nothing is put into it (<c>sw/</c> of a system without packages).</summary>
    public void AddDirectory(string relativePath, SourceLocation origin, OptionPath optionPath) =>
        Add(relativePath, new Entry(null, null, false, origin, optionPath));

    public bool Contains(string relativePath) => entries.ContainsKey(relativePath);

    /// <summary>The text of a file in the tree (tests, diffs).</summary>
    public string? ReadText(string relativePath) =>
        entries.TryGetValue(relativePath, out var e) && e.Contents != null ? Encoding.UTF8.GetString(e.Contents) : null;

    private void Add(string relativePath, Entry entry)
    {
        var optionPath = entry.OptionPath;
        if (!IsSafeRelative(relativePath))
        {
            throw ConfigException.At(entry.Origin, optionPath, $"'{relativePath}' is not a relative path inside the system");
        }
        if (entries.TryGetValue(relativePath, out var existing))
        {
            throw ConfigException.At(entry.Origin, optionPath, $"file {relativePath} is also made by {existing.Describe()}");
        }
        foreach (var (other, otherEntry) in entries)
        {
            if (other.StartsWith(relativePath + "/", StringComparison.Ordinal) && !entry.IsDirectory
                || relativePath.StartsWith(other + "/", StringComparison.Ordinal) && !otherEntry.IsDirectory)
            {
                throw ConfigException.At(entry.Origin, optionPath, $"file {relativePath} clashes with {other} made by {entries[other].Describe()}");
            }
        }
        entries[relativePath] = entry;
    }

    public static bool IsSafeRelative(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.EndsWith('/') && !path.Contains('\0')
        && path.Split('/').All(s => s is not ("" or "." or ".."));

    /// <summary>True when a file's text or a link's target names <paramref name="text"/> (a store path's hash part), as the store's reference scan would find it.</summary>
    public bool Mentions(string text)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        return entries.Values.Any(e => e.SymlinkTarget?.Contains(text, StringComparison.Ordinal) == true
            || e.Contents != null && e.Contents.AsSpan().IndexOf(bytes) >= 0);
    }

    /// <summary>Writes the tree into an empty or missing directory.</summary>
    public void WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var (relative, entry) in entries)
        {
            var full = Path.Combine(directory, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (entry.IsDirectory)
            {
                Directory.CreateDirectory(full);
            }
            else if (entry.SymlinkTarget != null)
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

    private sealed record Entry(byte[]? Contents, string? SymlinkTarget, bool Executable, SourceLocation Origin, OptionPath OptionPath)
    {
        public bool IsDirectory => Contents == null && SymlinkTarget == null;

        public string Describe() => OptionPath.IsRoot ? Origin.ToString() : $"{OptionPath} ({Origin})";
    }
}
