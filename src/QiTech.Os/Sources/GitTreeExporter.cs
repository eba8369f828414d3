using System.Text;
using QiTech.Os.Platform;

namespace QiTech.Os.Sources;

/// <summary>
/// Writes a commit's tree to a directory exactly as recorded: files, executables and
/// symlinks from <c>git ls-tree</c>, contents from one <c>git cat-file --batch</c>. Unlike
/// <c>git archive</c> no attribute (export-subst, export-ignore) changes what comes out, and
/// there is no <c>.git</c>; submodules become empty directories, as in Nix's fetchGit.
/// </summary>
internal static class GitTreeExporter
{
    private sealed record Entry(string Mode, string Type, string Object, string Path);

    public static async Task ExportAsync(GitRunner git, string repository, GitCommitHash commit, string destination, CancellationToken cancel)
    {
        var list = await git.RunAsync(["-C", repository, "ls-tree", "-r", "-z", "--full-tree", commit.Hex], cancel);
        if (!list.Ok)
        {
            throw new SourceException($"cannot list the tree of {commit}: {list.LastError}");
        }
        var entries = Parse(list.StdoutText);
        Directory.CreateDirectory(destination);
        using var process = git.Start(["-C", repository, "cat-file", "--batch"]);
        using var kill = cancel.Register(process.Kill);
        // On any failure cat-file would wait for a reader forever: disposing ends it and frees its pipes.
        await WriteEntriesAsync(git, process, entries, commit, destination, cancel);
    }

    private static async Task WriteEntriesAsync(GitRunner git, RunningProcess process, List<Entry> entries, GitCommitHash commit, string destination, CancellationToken cancel)
    {
        var directories = new HashSet<string>(StringComparer.Ordinal) { "" };
        var blobs = entries.Where(e => e.Type == "blob").ToList();
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var feed = Task.Run(async () =>
        {
            try
            {
                var input = process.StandardInput;
                foreach (var blob in blobs)
                {
                    await input.WriteAsync(blob.Object + "\n");
                }
                input.Close();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // cat-file died (or was ended); the read side reports it.
            }
        }, CancellationToken.None);
        var output = new BufferedStream(process.StandardOutput.BaseStream, 1 << 16);
        foreach (var entry in entries)
        {
            cancel.ThrowIfCancellationRequested();
            var target = Path.Combine(destination, entry.Path);
            EnsureParents(destination, entry.Path, directories);
            switch (entry.Type)
            {
                case "commit":
                    Directory.CreateDirectory(target);
                    directories.Add(entry.Path);
                    break;
                case "blob":
                    var content = ReadObject(output, entry.Object, commit);
                    if (entry.Mode == "120000")
                    {
                        File.CreateSymbolicLink(target, Encoding.UTF8.GetString(content));
                    }
                    else
                    {
                        await File.WriteAllBytesAsync(target, content, cancel);
                        File.SetUnixFileMode(target, entry.Mode == "100755"
                            ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute
                            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                    }
                    break;
                default:
                    throw new SourceException($"commit {commit} has an entry '{entry.Path}' of unknown type {entry.Type}");
            }
        }
        await feed;
        await process.WaitForExitAsync();
        cancel.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
        {
            throw new SourceException($"cannot read the objects of {commit}: {git.Scrub(await stderr)}");
        }
    }

    private static List<Entry> Parse(string listing)
    {
        var entries = new List<Entry>();
        foreach (var record in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = record.IndexOf('\t');
            var fields = record[..tab].Split(' ');
            entries.Add(new Entry(fields[0], fields[1], fields[2], record[(tab + 1)..]));
        }
        return entries;
    }

    /// <summary>Creates missing parent directories, refusing to go through anything but a directory made here.</summary>
    private static void EnsureParents(string destination, string path, HashSet<string> directories)
    {
        var parts = path.Split('/');
        if (parts.Any(p => p is "" or "." or ".." or ".git"))
        {
            throw new SourceException($"refusing tree entry '{path}': it names '.', '..' or '.git'");
        }
        var current = "";
        for (var i = 0; i < parts.Length - 1; i++)
        {
            current = current.Length == 0 ? parts[i] : current + "/" + parts[i];
            if (directories.Contains(current))
            {
                continue;
            }
            var physical = Path.Combine(destination, current);
            if (Path.Exists(physical))
            {
                throw new SourceException($"refusing tree entry '{path}': '{current}' is not a directory");
            }
            Directory.CreateDirectory(physical);
            directories.Add(current);
        }
    }

    private static byte[] ReadObject(Stream output, string expected, GitCommitHash commit)
    {
        var header = ReadLine(output);
        var fields = header.Split(' ');
        if (fields.Length != 3 || fields[0] != expected || !long.TryParse(fields[2], out var size))
        {
            throw new SourceException($"unexpected object {header} while exporting {commit}");
        }
        var content = new byte[size];
        output.ReadExactly(content);
        if (output.ReadByte() != '\n')
        {
            throw new SourceException($"malformed object stream while exporting {commit}");
        }
        return content;
    }

    private static string ReadLine(Stream stream)
    {
        var bytes = new List<byte>(64);
        while (true)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                throw new SourceException("git cat-file ended early");
            }
            if (b == '\n')
            {
                return Encoding.UTF8.GetString(bytes.ToArray());
            }
            bytes.Add((byte)b);
        }
    }
}
