using System.Text.Json;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Generations;

public sealed class ListGenerationsTests : IDisposable
{
    private readonly SystemRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Json_lists_versions_flags_and_each_generations_own_disk_cost()
    {
        var big = new byte[300_000];
        new Random(7).NextBytes(big);
        var v1 = _root.AddSystem("v1.0.0", payload: big);
        var v2 = _root.AddSystem("main");
        _root.Ok("switch", "--system", v1);
        _root.Ok("switch", "--system", v2);

        using var json = JsonDocument.Parse(_root.Ok("list-generations", "--json"));
        var list = json.RootElement.EnumerateArray().ToList();

        Assert.Equal(2, list.Count);
        var (g1, g2) = (list[0], list[1]);
        Assert.Equal(1, g1.GetProperty("number").GetInt32());
        Assert.Equal(v1, g1.GetProperty("storePath").GetString());
        Assert.Equal("v1.0.0", g1.GetProperty("version").GetProperty("abbreviation").GetString());
        Assert.Equal(40, g1.GetProperty("version").GetProperty("commit").GetString()!.Length);
        Assert.False(g1.GetProperty("current").GetBoolean());
        Assert.True(g2.GetProperty("current").GetBoolean());
        Assert.True(g2.GetProperty("bootDefault").GetBoolean());
        // Generation 1 alone holds the big payload: deleting it frees at least that much.
        Assert.True(g1.GetProperty("diskCostBytes").GetInt64() >= big.Length);
        // Generation 2 is what runs: current-system keeps it, deleting the link frees nothing.
        Assert.Equal(0, g2.GetProperty("diskCostBytes").GetInt64());
    }

    [Fact]
    public void A_shared_generation_costs_nothing_of_its_own()
    {
        var payload = new byte[100_000];
        var v1 = _root.AddSystem("v1", payload: payload);
        var other = _root.AddSystem("v2");
        _root.Ok("switch", "--system", v1);
        _root.Ok("switch", "--system", other);
        _root.Ok("switch", "--system", v1);

        using var json = JsonDocument.Parse(_root.Ok("list-generations", "--json"));

        // Generations 1 and 3 are the same system: deleting either alone frees nothing.
        var costs = json.RootElement.EnumerateArray().Select(g => g.GetProperty("diskCostBytes").GetInt64()).ToList();
        Assert.Equal(0, costs[0]);
        Assert.True(costs[1] > 0);
        Assert.Equal(0, costs[2]);
    }

    [Fact]
    public void The_table_shows_labels_and_states()
    {
        _root.Ok("switch", "--system", _root.AddSystem("v1"));
        _root.Ok("switch", "--system", _root.AddSystem("release-2"));

        var lines = _root.Ok("list-generations").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("  GEN", lines[0]);
        Assert.Contains("v1", lines[1]);
        Assert.Contains("release-2", lines[2]);
        Assert.EndsWith("current,default", lines[2].TrimEnd());
    }

    [Fact]
    public void A_fresh_root_has_no_generations() =>
        Assert.Equal("no generations yet\n", _root.Ok("list-generations"));
}
