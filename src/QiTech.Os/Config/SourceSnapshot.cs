using QiTech.Os.Platform;

namespace QiTech.Os.Config;

/// <summary>
/// The files of a package's source directory that belong in the store. Inside a git work
/// tree: exactly what git tracks or would track (tracked, plus untracked files not ignored;
/// deleted files skipped), so build outputs, <c>bin/</c> and <c>obj/</c> never come along and
/// a clean checkout gives the same tree as the commit itself. Outside git: the directory as it is.
/// </summary>
public sealed class SourceSnapshot : IDisposable
{
    /// <summary>The store name of every source tree, as the update's commit tree: so the folder's name never matters.</summary>
    public const string StoreName = "source";

    private readonly string? _temp;

    private SourceSnapshot(string path, string? temp)
    {
        Path = path;
        _temp = temp;
    }

    /// <summary>The directory to add or hash: the original one, or a filtered copy.</summary>
    public string Path { get; }

    /// <param name="asGitWouldCommit">False for a directory that is not a checkout whatever lies around it (a part of a store path).</param>
    /// <param name="include">Only these relative paths (a file, or a folder and all below it), when given.</param>
    public static SourceSnapshot Take(string directory, CancellationToken cancel = default, bool asGitWouldCommit = true, IReadOnlyList<string>? include = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new Errors.BadInputException($"source '{directory}' is not a directory");
        }
        var files = asGitWouldCommit ? TrackedFiles(directory, cancel) : null;
        if (include != null)
        {
            // The same files whether listed by git in a clone or walked in a commit's tree.
            files = (files ?? AllFiles(directory)).Where(f => include.Any(i => f == i || f.StartsWith(i + "/", StringComparison.Ordinal))).ToList();
        }
        if (files == null)
        {
            return new SourceSnapshot(directory, null);
        }
        var temp = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "qitech-source-" + Guid.NewGuid().ToString("N"));
        var root = System.IO.Path.Combine(temp, StoreName);
        try
        {
            Directory.CreateDirectory(root);
            foreach (var relative in files)
            {
                cancel.ThrowIfCancellationRequested();
                Copy(System.IO.Path.Combine(directory, relative), System.IO.Path.Combine(root, relative));
            }
            return new SourceSnapshot(root, temp);
        }
        catch
        {
            TreeRemover.Remove(temp);
            throw;
        }
    }

    /// <summary>The files git would commit from <paramref name="directory"/> down, or null outside a work tree.</summary>
    private static List<string>? TrackedFiles(string directory, CancellationToken cancel)
    {
        var inside = RunGit(directory, ["rev-parse", "--is-inside-work-tree"], cancel);
        if (inside is not { } answer || answer.ExitCode != 0 && answer.Error.Contains("not a git repository", StringComparison.Ordinal))
        {
            return null;
        }
        if (answer.ExitCode != 0)
        {
            // A work tree git refuses (another owner, a broken .git) must not silently pass as a
            // plain folder: its build outputs would enter the store.
            throw new Errors.QiTechOsException($"cannot list the files of source '{directory}': {answer.Error.Trim()}");
        }
        if (answer.Output.Trim() != "true")
        {
            return null; // Inside a .git directory or a bare repository.
        }
        var listed = RunGit(directory, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cancel);
        if (listed is not { ExitCode: 0 } result)
        {
            throw new Errors.QiTechOsException($"cannot list the files of source '{directory}': git ls-files failed: {listed?.Error.Trim()}");
        }
        return result.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every file and link below <paramref name="directory"/> (relative, sorted); linked folders are not entered.</summary>
    private static List<string> AllFiles(string directory)
    {
        var result = new List<string>();
        var pending = new Stack<string>([directory]);
        while (pending.TryPop(out var current))
        {
            foreach (var entry in new DirectoryInfo(current).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo && entry.LinkTarget == null)
                {
                    pending.Push(entry.FullName);
                }
                else
                {
                    result.Add(System.IO.Path.GetRelativePath(directory, entry.FullName));
                }
            }
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private static void Copy(string from, string to)
    {
        var info = new FileInfo(from);
        if (info.LinkTarget is { } target)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(to)!);
            File.CreateSymbolicLink(to, target);
        }
        else if (info.Exists)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(to)!);
            File.Copy(from, to);
        }
        // Else deleted in the work tree (still in the index), or a submodule's directory: not part of the tree.
    }

    /// <summary>git in <paramref name="directory"/>, or null when this machine has no git.</summary>
    private static (int ExitCode, string Output, string Error)? RunGit(string directory, IReadOnlyList<string> args, CancellationToken cancel)
    {
        try
        {
            // The repository's own config must not run programs while files are listed.
            var result = Sources.GitRunner.Local.Run(["-c", "core.fsmonitor=false", .. args], directory, cancel);
            return (result.ExitCode, result.StdoutText, result.Stderr);
        }
        catch (ProgramNotFoundException)
        {
            return null; // No git on this machine: the directory is taken as it is.
        }
    }

    public void Dispose()
    {
        if (_temp != null)
        {
            TreeRemover.Remove(_temp);
        }
    }
}
