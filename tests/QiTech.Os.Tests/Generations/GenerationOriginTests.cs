using QiTech.Os.Activation;
using QiTech.Os.Generations;
using QiTech.Os.Sources;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Generations;

/// <summary>The ref an update chose is kept beside the generation's link, for that generation's system only.</summary>
public sealed class GenerationOriginTests : IDisposable
{
    private static readonly GitCommitHash Commit = GitCommitHash.Parse("abc1234def5678abc1234def5678abc1234def56");

    private readonly SystemRoot _root = new();

    public void Dispose() => _root.Dispose();

    private static ActivationOptions From(string gitRef) => new(Origin: new GenerationOrigin(GitRefName.ParseInput(gitRef), Commit));

    [Fact]
    public async Task A_switch_records_the_chosen_ref_and_the_list_shows_it_with_the_commit()
    {
        var manager = _root.Manager();

        await manager.ActivateAsync(ActivationMode.Switch, ActivationTarget.ParseStorePath(_root.Layout, _root.AddSystem("v1.2")), options: From("feature/x"));
        var generation = manager.ListGenerations(withDiskCost: false).Single();

        Assert.Equal(new GenerationOrigin(GitRefName.ParseInput("feature/x"), Commit), generation.Origin);
        Assert.Equal("feature/x = v1.2 (abc1234)", generation.Label);
        Assert.Contains("feature/x = v1.2 (abc1234)", _root.Ok("list-generations"));
        Assert.Contains("\"ref\": \"feature/x\"", _root.Ok("list-generations", "--json"));
    }

    [Fact]
    public async Task A_generation_without_a_recorded_ref_shows_as_before()
    {
        var manager = _root.Manager();

        await manager.ActivateAsync(ActivationMode.Switch, ActivationTarget.ParseStorePath(_root.Layout, _root.AddSystem("v1.2")));
        var generation = manager.ListGenerations(withDiskCost: false).Single();

        Assert.Null(generation.Origin);
        Assert.Equal("v1.2", generation.Label);
        Assert.Contains("\"origin\": null", _root.Ok("list-generations", "--json"));
    }

    [Fact]
    public async Task Deleting_a_generation_deletes_its_origin_and_a_leftover_for_another_system_labels_nothing()
    {
        var manager = _root.Manager();
        await manager.ActivateAsync(ActivationMode.Switch, ActivationTarget.ParseStorePath(_root.Layout, _root.AddSystem("v1")), options: From("main"));
        await manager.ActivateAsync(ActivationMode.Switch, ActivationTarget.ParseStorePath(_root.Layout, _root.AddSystem("v2")), options: From("v2"));
        var firstOrigin = manager.Profile.OriginPath(new GenerationNumber(1));
        var leftover = File.ReadAllText(manager.Profile.OriginPath(new GenerationNumber(2)));

        manager.DeleteGenerations(new DeletionSpec.Numbers([new GenerationNumber(1)]));
        // As a crash could leave it: generation 2's record beside a generation 3 of another system.
        await manager.ActivateAsync(ActivationMode.Switch, ActivationTarget.ParseStorePath(_root.Layout, _root.AddSystem("v3")));
        File.WriteAllText(manager.Profile.OriginPath(new GenerationNumber(3)), leftover);

        Assert.False(File.Exists(firstOrigin));
        Assert.Equal([(2, "v2 (abc1234)"), (3, "v3")], manager.ListGenerations(withDiskCost: false).Select(g => (g.Number.Value, g.Label)));
    }

    [Theory]
    [InlineData("v1.2", null, null, "v1.2")]
    [InlineData("v1.2", "feature/x", null, "feature/x = v1.2")]
    [InlineData("v1.2", "v1.2", "abc1234def5678", "v1.2 (abc1234)")]
    [InlineData("v1.2", "feature/x", "abc1234def5678", "feature/x = v1.2 (abc1234)")]
    [InlineData("abc1234def56", "abc1234", "abc1234def5678", "abc1234def56")]
    [InlineData(null, null, null, "unknown")]
    public void A_version_label_names_the_chosen_ref_and_its_commit_once(string? abbreviation, string? chosen, string? commit, string expected) =>
        Assert.Equal(expected, VersionLabel.Of(abbreviation, chosen, commit));
}
