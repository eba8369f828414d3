using QiTech.Os.Config;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>A package's source as it enters the store: what git would commit, or the folder as it is outside git.</summary>
public sealed class SourceSnapshotTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-snapshot");

    public void Dispose() => _temp.Dispose();

    private static List<string> FilesIn(string dir) =>
        [.. Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)
            .Where(e => !Directory.Exists(e) || File.ResolveLinkTarget(e, false) != null)
            .Select(e => Path.GetRelativePath(dir, e)).Order(StringComparer.Ordinal)];

    [Fact]
    public void Inside_a_work_tree_takes_tracked_and_untracked_files_but_not_ignored_or_deleted_ones()
    {
        var repo = _temp.Combine("repo");
        Directory.CreateDirectory(Path.Combine(repo, "src"));
        File.WriteAllText(Path.Combine(repo, ".gitignore"), "*.log\nbin/\n");
        File.WriteAllText(Path.Combine(repo, "src", "kept.cs"), "class A {}\n");
        File.WriteAllText(Path.Combine(repo, "src", "deleted.cs"), "class B {}\n");
        File.WriteAllText(Path.Combine(repo, "run.sh"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(repo, "run.sh"), (UnixFileMode)0b111_101_101);
        File.CreateSymbolicLink(Path.Combine(repo, "link"), "src/kept.cs");
        GitRepo.CommitAll(repo);
        File.Delete(Path.Combine(repo, "src", "deleted.cs"));
        File.WriteAllText(Path.Combine(repo, "src", "new.cs"), "class C {}\n");
        File.WriteAllText(Path.Combine(repo, "build.log"), "noise\n");
        Directory.CreateDirectory(Path.Combine(repo, "src", "bin"));
        File.WriteAllText(Path.Combine(repo, "src", "bin", "app.dll"), "output\n");

        using var whole = SourceSnapshot.Take(repo);
        using var part = SourceSnapshot.Take(Path.Combine(repo, "src"));

        Assert.Equal([".gitignore", "link", "run.sh", "src/kept.cs", "src/new.cs"], FilesIn(whole.Path));
        Assert.Equal("src/kept.cs", new FileInfo(Path.Combine(whole.Path, "link")).LinkTarget); // a link stays a link
        Assert.NotEqual(UnixFileMode.None, File.GetUnixFileMode(Path.Combine(whole.Path, "run.sh")) & UnixFileMode.UserExecute);
        Assert.Equal(["kept.cs", "new.cs"], FilesIn(part.Path));
        Assert.Equal("source", Path.GetFileName(whole.Path));
        var copy = whole.Path;
        whole.Dispose();
        Assert.False(Directory.Exists(copy)); // the copy is temporary
        Assert.True(File.Exists(Path.Combine(repo, "src", "kept.cs"))); // the source is untouched
    }

    [Fact]
    public void Included_paths_give_the_same_files_from_a_work_tree_and_from_a_plain_copy_of_the_commit()
    {
        var repo = _temp.Combine("repo");
        Directory.CreateDirectory(Path.Combine(repo, "src", "app"));
        Directory.CreateDirectory(Path.Combine(repo, "configuration"));
        Directory.CreateDirectory(Path.Combine(repo, "srcs"));
        File.WriteAllText(Path.Combine(repo, "src", "app", "App.csproj"), "<Project />\n");
        File.WriteAllText(Path.Combine(repo, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(repo, "configuration", "machine.yaml"), "system: {}\n");
        File.WriteAllText(Path.Combine(repo, "srcs", "not-src.txt"), "a prefix, not the folder\n");
        File.WriteAllText(Path.Combine(repo, ".gitignore"), "bin/\n");
        GitRepo.CommitAll(repo);
        Directory.CreateDirectory(Path.Combine(repo, "src", "app", "bin"));
        File.WriteAllText(Path.Combine(repo, "src", "app", "bin", "App.dll"), "output\n");
        // The commit's tree as an update has it: a plain folder (here: a copy without .git and bin/).
        var tree = _temp.Combine("tree");
        Assert.Equal(0, HostProgram.Run("git", ["-C", repo, "worktree", "add", "--detach", tree]).ExitCode);
        File.Delete(Path.Combine(tree, ".git")); // no longer a work tree: walked as it is
        string[] include = ["src", "Directory.Build.props"];

        using var fromClone = SourceSnapshot.Take(repo, include: include);
        using var fromTree = SourceSnapshot.Take(tree, asGitWouldCommit: false, include: include);

        Assert.Equal(["Directory.Build.props", "src/app/App.csproj"], FilesIn(fromClone.Path));
        Assert.Equal(FilesIn(fromClone.Path), FilesIn(fromTree.Path));
    }

    [Fact]
    public void A_work_tree_git_refuses_is_an_error_not_a_plain_folder()
    {
        var repo = _temp.Combine("foreign");
        Directory.CreateDirectory(repo);
        File.WriteAllText(Path.Combine(repo, "a.txt"), "a\n");
        GitRepo.CommitAll(repo);
        // Owned by someone else: git refuses to work in it ("dubious ownership").
        Assert.Equal(0, HostProgram.Run("chown", ["-R", "nobody", repo]).ExitCode);

        var e = Assert.Throws<QiTech.Os.Errors.QiTechOsException>(() => SourceSnapshot.Take(repo));

        Assert.Contains($"cannot list the files of source '{repo}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("dubious ownership", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_git_takes_the_folder_as_it_is()
    {
        var dir = _temp.Combine("plain");
        Directory.CreateDirectory(Path.Combine(dir, "bin"));
        File.WriteAllText(Path.Combine(dir, "bin", "tool"), "x\n");

        using var snapshot = SourceSnapshot.Take(dir);

        Assert.Equal(dir, snapshot.Path);
        Assert.Equal(["bin/tool"], FilesIn(snapshot.Path));
    }
}
