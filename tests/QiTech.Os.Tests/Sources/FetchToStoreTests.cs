using QiTech.Os.Nar;
using QiTech.Os.Platform;
using QiTech.Os.Sources;
using QiTech.Os.Store;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Sources;

public sealed class FetchToStoreTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-fetch");
    private readonly GitFixture _repo;

    public FetchToStoreTests() => _repo = new GitFixture(_temp.Combine("repo"));

    private SystemLayout Layout(string name) => SystemLayout.FromOptions(_temp.Combine(name), null);

    [Fact]
    public async Task A_tag_becomes_its_tree_in_the_store_with_its_version_variables()
    {
        var layout = Layout("root");
        using var store = LocalStore.Open(layout);
        var source = GitSource.Open(layout, SourceUrl.ParseInput(_repo.Path));

        var resolved = await source.FetchToStoreAsync(GitRefName.ParseInput("v1.1"), store);

        var tree = store.PhysicalPath(resolved.TreePath);
        Assert.Equal("source", resolved.TreePath.Name);
        Assert.Equal("v1.1\n", File.ReadAllText(Path.Combine(tree, "server/app.txt")));
        Assert.False(Directory.Exists(Path.Combine(tree, ".git")));
        Assert.False(File.Exists(Path.Combine(tree, "CHANGELOG.md")));
        Assert.Equal("README.md", new FileInfo(Path.Combine(tree, "link-to-readme")).LinkTarget);
        Assert.True(File.GetUnixFileMode(Path.Combine(tree, "run.sh")).HasFlag(UnixFileMode.UserExecute));
        Assert.False(File.GetUnixFileMode(Path.Combine(tree, "README.md")).HasFlag(UnixFileMode.UserExecute));
        var variables = resolved.Info.Variables().ToDictionary();
        Assert.Equal(_repo.Rev("v1.1"), variables["QITECH_OS_GIT_COMMIT"]);
        Assert.Equal("v1.1", variables["QITECH_OS_GIT_ABBREVIATION"]);
        Assert.Equal("2024-01-03T10:00:00Z", variables["QITECH_OS_GIT_TIMESTAMP"].Replace("+00:00", "Z"));
        Assert.Equal(_repo.Path, variables["QITECH_OS_GIT_URL"]);
        Assert.Equal(new DateTimeOffset(2024, 1, 3, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), resolved.SourceDateEpoch);
    }

    [Theory]
    [InlineData("feature", "v1.0")] // an exact tag wins over the branch named
    [InlineData("main", "main")] // no tag on main's head
    public async Task The_abbreviation_is_an_exact_tag_else_the_branch(string reference, string expected)
    {
        var layout = Layout("root");
        var source = GitSource.Open(layout, SourceUrl.ParseInput(_repo.Path));
        var commit = await source.ResolveAsync(GitRefName.ParseInput(reference));

        var info = await source.VersionInfoAsync(GitRefName.ParseInput(reference), commit);

        Assert.Equal(expected, info.Abbreviation);
    }

    [Theory]
    [InlineData("commit", "v1.10")] // several tags: the highest version, never a name that could not be installed
    [InlineData("v1.9", "v1.9")] // the tag chosen, among several
    [InlineData("release/2", "v1.10")] // a branch on a tagged commit: the tag labels it
    public async Task Among_several_tags_the_choice_is_the_chosen_one_else_the_highest_version(string reference, string expected)
    {
        var start = _repo.Rev("HEAD~1");
        _repo.Git("update-ref", "refs/tags/--upload-pack=x", start);
        _repo.Git("tag", "v1.9", start);
        _repo.Git("tag", "v1.10", start);
        _repo.Git("branch", "release/2", start);
        var source = GitSource.Open(Layout("root"), SourceUrl.ParseInput(_repo.Path));
        var name = GitRefName.ParseInput(reference == "commit" ? start[..10] : reference);

        var info = await source.VersionInfoAsync(name, await source.ResolveAsync(name));

        Assert.Equal(expected, info.Abbreviation);
    }

    [Theory]
    [InlineData(null, new[] { "v1.10", "v1.9" }, new string[0], "v1.10")]
    [InlineData("v1.9", new[] { "v1.10", "v1.9" }, new string[0], "v1.9")]
    [InlineData("feature/x", new[] { "v1.2" }, new[] { "feature/x" }, "v1.2")]
    [InlineData(null, new[] { "--upload-pack=x", "-y" }, new[] { "main", "feature" }, "feature")]
    [InlineData("main", new[] { "--upload-pack=x" }, new[] { "main", "feature" }, "main")]
    [InlineData(null, new[] { "--upload-pack=x" }, new[] { "-b" }, "abc1234")]
    public void The_abbreviation_rule_is_deterministic_and_names_only_what_can_be_installed(string? chosen, string[] tags, string[] branches, string expected) =>
        Assert.Equal(expected, AbbreviationRule.Choose(chosen, tags, branches, "abc1234"));

    [Fact]
    public async Task A_bare_commit_gets_its_short_hash_as_abbreviation()
    {
        var layout = Layout("root");
        var source = GitSource.Open(layout, SourceUrl.ParseInput(_repo.Path));
        var hash = _repo.Rev("HEAD~1"); // "start 2.0": no tag, no branch
        var name = GitRefName.ParseInput(hash[..10]);

        var commit = await source.ResolveAsync(name);
        var info = await source.VersionInfoAsync(name, commit);

        Assert.Equal(hash, commit.Hex);
        Assert.Equal(hash[..7], info.Abbreviation);
    }

    [Fact]
    public async Task The_same_commit_from_two_clones_in_different_folders_gives_the_same_store_path_and_nar_hash()
    {
        var clone = _temp.Combine("elsewhere", "clone");
        Directory.CreateDirectory(Path.GetDirectoryName(clone)!);
        Assert.Equal(0, HostProgram.Run("git", ["clone", "-q", "--no-local", _repo.Path, clone]).ExitCode);
        var layoutA = Layout("rootA");
        var layoutB = Layout("rootB");
        using var storeA = LocalStore.Open(layoutA);
        using var storeB = LocalStore.Open(layoutB);

        var a = await GitSource.Open(layoutA, SourceUrl.ParseInput(_repo.Path)).FetchToStoreAsync(GitRefName.ParseInput("v1.0"), storeA);
        var b = await GitSource.Open(layoutB, SourceUrl.ParseInput(clone)).FetchToStoreAsync(GitRefName.ParseInput("v1.0"), storeB);

        Assert.Equal(a.TreePath, b.TreePath);
        Assert.Equal(storeA.QueryPathInfo(a.TreePath)!.NarHash, storeB.QueryPathInfo(b.TreePath)!.NarHash);
        Assert.Equal(NixOracle.Hash(storeA.PhysicalPath(a.TreePath), base32: false), NarHasher.HashPath(storeB.PhysicalPath(b.TreePath)).Hash.ToBase16());
    }

    [Fact]
    public async Task Concurrent_listings_of_one_source_all_succeed_on_one_mirror()
    {
        var layout = Layout("root");
        var sources = Enumerable.Range(0, 6).Select(_ => GitSource.Open(layout, SourceUrl.ParseInput(_repo.Path))).ToList();

        var lists = await Task.WhenAll(sources.Select(s => s.ListTargetsAsync(5)));

        Assert.All(lists, l => Assert.Equal(lists[0].Select(t => t.Commit), l.Select(t => t.Commit)));
        Assert.Single(Directory.GetDirectories(layout.ServiceStateDir + "/mirrors"));
    }

    [Fact]
    public async Task Cancelling_a_fetch_throws_and_the_next_one_works()
    {
        var layout = Layout("root");
        var source = GitSource.Open(layout, SourceUrl.ParseInput(_repo.Path));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => source.FetchAsync(cancelled.Token));
        var targets = await source.ListTargetsAsync(3);

        Assert.Contains(targets, t => t.Name == "v1.1");
    }

    public void Dispose() => _temp.Dispose();
}
