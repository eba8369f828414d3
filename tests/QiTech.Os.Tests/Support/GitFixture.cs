namespace QiTech.Os.Tests.Support;

/// <summary>
/// A real git repository for update tests: dated commits on main, a lightweight and an
/// annotated tag, a side branch, an executable, a symlink, and a CHANGELOG that appears only
/// in the last commit.
/// </summary>
public sealed class GitFixture
{
    public GitFixture(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
        Git("init", "-q", "-b", "main");
        Write("README.md", "machine software\n");
        Commit("first commit", 1);
        Write("server/app.txt", "v1\n");
        File.SetUnixFileMode(Write("run.sh", "#!/bin/sh\necho run\n"), (UnixFileMode)0b111_101_101);
        File.CreateSymbolicLink(System.IO.Path.Combine(path, "link-to-readme"), "README.md");
        Commit("add the server", 2);
        Git("tag", "v1.0");
        Git("branch", "feature");
        Write("server/app.txt", "v1.1\n");
        Commit("server 1.1", 3);
        Git("tag", "-a", "v1.1", "-m", "release 1.1");
        Write("server/app.txt", "v2-dev\n");
        Commit("start 2.0", 4);
        Write("CHANGELOG.md", "# Changelog\n\n## 2.0\n- a new server\n");
        Commit("write the changelog", 5);
    }

    public string Path { get; }

    public string Head => Rev("HEAD");

    public string Rev(string name) => Git("rev-parse", name + "^{commit}").Trim();

    public string Write(string relative, string text)
    {
        var file = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
        return file;
    }

    /// <summary>Commits everything with a fixed date (day <paramref name="day"/> of January 2024).</summary>
    public void Commit(string subject, int day)
    {
        Git("add", "-A");
        var date = $"2024-01-{day:00}T10:00:00Z";
        Git(["commit", "-q", "-m", subject], new Dictionary<string, string> { ["GIT_AUTHOR_DATE"] = date, ["GIT_COMMITTER_DATE"] = date });
    }

    public string Git(params string[] args) => Git(args, null);

    public string Git(string[] args, IDictionary<string, string>? env)
    {
        var all = new Dictionary<string, string>
        {
            ["GIT_AUTHOR_NAME"] = "Test",
            ["GIT_AUTHOR_EMAIL"] = "test@example.com",
            ["GIT_COMMITTER_NAME"] = "Test",
            ["GIT_COMMITTER_EMAIL"] = "test@example.com",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            all[k] = v;
        }
        var r = HostProgram.Run("git", args, null, all, Path);
        Assert.True(r.ExitCode == 0, $"git {string.Join(' ', args)}: {r.Stderr}");
        return r.StdoutText;
    }

    /// <summary>Makes the temp root look as if <paramref name="commit"/> were running.</summary>
    public static void MarkRunning(string root, string commit)
    {
        var system = System.IO.Path.Combine(root, "qitech/store/00000000000000000000000000000000-system");
        Directory.CreateDirectory(system);
        File.WriteAllText(System.IO.Path.Combine(system, "qitech-os-release"), $"QITECH_OS=true\nQITECH_OS_GIT_COMMIT={commit}\n");
        Directory.CreateDirectory(System.IO.Path.Combine(root, "run"));
        var link = System.IO.Path.Combine(root, "run/current-system");
        File.Delete(link);
        File.CreateSymbolicLink(link, "/qitech/store/00000000000000000000000000000000-system");
    }
}
