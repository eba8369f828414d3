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
    public void A_work_tree_git_refuses_is_an_error_not_a_plain_folder()
    {
        var repo = _temp.Combine("foreign");
        Directory.CreateDirectory(repo);
        File.WriteAllText(Path.Combine(repo, "a.txt"), "a\n");
        GitRepo.CommitAll(repo);
        // Owned by someone else: git refuses to work in it ("dubious ownership").
        Assert.Equal(0, ProcessRunner.Run("chown", ["-R", "nobody", repo]).ExitCode);

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
