using System.Text.Json;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Sources;

public sealed class UpdateTargetsTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-targets");
    private readonly GitFixture _repo;

    public UpdateTargetsTests() => _repo = new GitFixture(_temp.Combine("repo"));

    private string Root => _temp.Combine("root");

    private QiTech.Os.Platform.ProcessResult Cli(params string[] args) => OurCli.Run(["--root", Root, .. args]);

    [Fact]
    public void Targets_list_tags_branches_and_commits_and_mark_those_older_than_the_running_version()
    {
        GitFixture.MarkRunning(Root, _repo.Rev("v1.1"));

        var r = Cli("update", "targets", "--source", _repo.Path, "--json");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var targets = JsonDocument.Parse(r.Stdout).RootElement.EnumerateArray()
            .Select(t => (Kind: t.GetProperty("kind").GetString(), Name: t.GetProperty("name").GetString(),
                Commit: t.GetProperty("commit").GetString(), Date: t.GetProperty("date").GetString(),
                Older: t.GetProperty("olderThanRunning").GetBoolean(), Running: t.GetProperty("running").GetBoolean()))
            .ToList();
        var v10 = Assert.Single(targets, t => t is { Kind: "tag", Name: "v1.0" });
        Assert.Equal(_repo.Rev("v1.0"), v10.Commit);
        Assert.True(v10.Older);
        Assert.Equal("2024-01-02T10:00:00+00:00", v10.Date);
        var v11 = Assert.Single(targets, t => t is { Kind: "tag", Name: "v1.1" });
        Assert.Equal(_repo.Rev("v1.1"), v11.Commit); // the annotated tag is peeled to its commit
        Assert.True(v11.Running);
        Assert.False(v11.Older);
        Assert.True(Assert.Single(targets, t => t is { Kind: "branch", Name: "feature" }).Older);
        var main = Assert.Single(targets, t => t is { Kind: "branch", Name: "main" });
        Assert.Equal(_repo.Head, main.Commit);
        Assert.False(main.Older);
        var commits = targets.Where(t => t.Kind == "commit").ToList();
        Assert.Equal(5, commits.Count);
        Assert.Equal(_repo.Head, commits[0].Commit);
        Assert.Equal(2, commits.Count(c => c.Older));
        Assert.Equal(_repo.Rev("v1.1"), Assert.Single(commits, c => c.Running).Commit);
    }

    [Fact]
    public void A_new_commit_appears_after_the_next_listing()
    {
        Assert.Equal(0, Cli("update", "targets", "--source", _repo.Path).ExitCode);
        _repo.Write("server/app.txt", "v2\n");
        _repo.Commit("server 2.0", 6);
        _repo.Git("tag", "v2.0");

        var r = Cli("update", "targets", "--source", _repo.Path);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("tag\tv2.0\t" + _repo.Head[..7], r.StdoutText);
    }

    [Fact]
    public void A_commit_with_a_zone_offset_beyond_14_hours_is_listed()
    {
        _repo.Write("odd.txt", "x\n");
        _repo.Git(["add", "-A"]);
        _repo.Git(["commit", "-q", "-m", "far east"], new Dictionary<string, string> { ["GIT_COMMITTER_DATE"] = "2024-02-01T00:00:00 +2000" });

        var r = Cli("update", "targets", "--source", _repo.Path, "--json");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("\"subject\": \"far east\"", r.StdoutText);
    }

    [Fact]
    public void Changelog_is_the_file_at_the_ref_when_there_is_one()
    {
        var r = Cli("update", "changelog", "main", "--source", _repo.Path);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("# Changelog\n\n## 2.0\n- a new server\n", r.StdoutText);
    }

    [Fact]
    public void Changelog_without_a_file_lists_the_commits_since_the_running_version()
    {
        GitFixture.MarkRunning(Root, _repo.Rev("v1.0"));

        var r = Cli("update", "changelog", "v1.1", "--source", _repo.Path);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(_repo.Rev("v1.1")[..7] + " server 1.1\n", r.StdoutText);
    }

    [Fact]
    public void An_unknown_ref_is_bad_input_naming_it()
    {
        var r = Cli("update", "changelog", "v9.9", "--source", _repo.Path);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("ref 'v9.9' is no tag, branch or commit", r.Stderr);
    }

    [Fact]
    public void A_missing_repository_is_a_clear_error()
    {
        var r = Cli("update", "targets", "--source", _temp.Combine("nowhere"));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no git repository there", r.Stderr);
    }

    public void Dispose() => _temp.Dispose();
}
