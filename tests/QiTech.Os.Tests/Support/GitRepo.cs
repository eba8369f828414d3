namespace QiTech.Os.Tests.Support;

/// <summary>Runs the real git with a fixed identity and dates, so commits are the same on every run.</summary>
public static class GitRepo
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["GIT_AUTHOR_NAME"] = "Test",
        ["GIT_AUTHOR_EMAIL"] = "test@example.com",
        ["GIT_COMMITTER_NAME"] = "Test",
        ["GIT_COMMITTER_EMAIL"] = "test@example.com",
        ["GIT_AUTHOR_DATE"] = "2026-01-02T03:04:05+01:00",
        ["GIT_COMMITTER_DATE"] = "2026-01-02T03:04:05+01:00",
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["HOME"] = Path.GetTempPath(),
    };

    public static string Run(string dir, params string[] args)
    {
        var r = HostProgram.Run("git", ["-C", dir, "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", .. args], env: Env);
        Assert.True(r.ExitCode == 0, $"git {string.Join(' ', args)}: {r.Stderr}");
        return r.StdoutText.Trim();
    }

    /// <summary>Makes a repository of a folder's files with one commit on main.</summary>
    public static string CommitAll(string dir)
    {
        Run(dir, "init", "-q");
        Run(dir, "add", "-A");
        Run(dir, "commit", "-q", "-m", "machine");
        return Run(dir, "rev-parse", "HEAD");
    }
}
