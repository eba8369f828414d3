using System.Text;
using QiTech.Os.Config;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>
/// Hostile YAML through the real CLI: each ends in exit code 2 and one line naming the file,
/// line, column and the limit, within a generous budget of time and memory (a process over
/// budget is killed and the test fails). Before the limits, the nine-level alias bomb ran for
/// minutes towards gigabytes and the deep nesting killed the CLI with a stack overflow.
/// </summary>
public sealed class ConfigLimitsTests : IDisposable
{
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(60);
    private const long MemoryBudget = 500L << 20;

    private readonly TempDir dir = new("qitech-limits");

    /// <summary>Nine levels of nine aliases: a few hundred bytes standing for 9^9 nodes.</summary>
    private static string AliasBomb(int levels)
    {
        var text = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= levels; i++)
        {
            text.Append($"a{i}: &a{i} [").Append(string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))).Append("]\n");
        }
        return text.ToString();
    }

    public static TheoryData<string, string, string> Attacks => new()
    {
        { "alias bomb, nine levels", AliasBomb(9), "attack.yaml:5:10: aliases expand to more than 10000 nodes (the limit)" },
        { "alias bomb, six levels", AliasBomb(6), "attack.yaml:5:10: aliases expand to more than 10000 nodes (the limit)" },
        { "10 000 nested lists", "x: " + new string('[', 10_000) + new string(']', 10_000) + "\n", "attack.yaml:1:67: lists and mappings nest deeper than 64 levels (the limit)" },
        { "10 000 nested mappings", "x: " + string.Concat(Enumerable.Repeat("{a: ", 10_000)) + "1" + new string('}', 10_000) + "\n", "attack.yaml:1:256: lists and mappings nest deeper than 64 levels (the limit)" },
        { "a file over 1 MiB", "a: \"" + new string('x', 2 << 20) + "\"\n", "attack.yaml:1:1: the file is larger than 1048576 bytes (the limit of a configuration file)" },
        { "250 000 list items", "boot:\n  kernelParams: [" + string.Join(",", Enumerable.Repeat("q", 250_000)) + "]\n", "attack.yaml:2:400008: the configuration has more than 200000 YAML nodes, aliases expanded (the limit)" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void Hostile_yaml_fails_fast_with_the_place_and_the_limit(string what, string yaml, string expected)
    {
        var file = dir.Combine("attack.yaml");
        File.WriteAllText(file, yaml);

        var run = BudgetedRun.Cli(["--root", dir.Combine("root"), "build", "--config", file], TimeBudget, MemoryBudget);

        Assert.True(run.OverBudget == null, $"{what}: {run.OverBudget}");
        Assert.True((2, "error: " + dir.Combine(expected) + "\n") == (run.ExitCode, run.Stderr), $"{what}: exit {run.ExitCode}: {run.Stderr}");
    }

    [Fact]
    public void A_long_chain_of_imports_stops_at_the_limit()
    {
        for (var i = 0; i < 40; i++)
        {
            File.WriteAllText(dir.Combine($"f{i}.yaml"), $"imports: [f{i + 1}.yaml]\n");
        }
        File.WriteAllText(dir.Combine("f40.yaml"), "");

        var run = OurCli.Run("--root", dir.Combine("root"), "build", "--config", dir.Combine("f0.yaml"));

        Assert.Equal((2, $"error: {dir.Combine("f31.yaml")}:1:11: imports: imports nest deeper than 32 files (the limit)\n"), (run.ExitCode, run.Stderr));
    }

    public static TheoryData<string, YamlLimits, string> SmallLimits => new()
    {
        { "a: &a [1, 2]\nb: [*a, *a]\n", YamlLimits.Default with { MaxAliasNodes = 5 }, "x.yaml:2:9: aliases expand to more than 5 nodes (the limit)" },
        { "a: [1, 2, 3]\nb: [4, 5, 6]\n", YamlLimits.Default with { MaxNodes = 8 }, "x.yaml:2:5: the configuration has more than 8 YAML nodes, aliases expanded (the limit)" },
        { "a:\n  b:\n    c: [1]\n", YamlLimits.Default with { MaxDepth = 3 }, "x.yaml:3:8: lists and mappings nest deeper than 3 levels (the limit)" },
        { "a: *b\n", YamlLimits.Default, "x.yaml:1:4: YAML syntax: an alias names no anchor defined before it" },
        { "a: &a [*a]\n", YamlLimits.Default, "x.yaml:1:8: YAML syntax: an alias names no anchor defined before it" },
        { "? [a]\n: 1\n", YamlLimits.Default, "x.yaml:1:3: a key must be a plain name" },
    };

    [Theory]
    [MemberData(nameof(SmallLimits))]
    public void Each_limit_names_itself_at_the_node_that_crosses_it(string yaml, YamlLimits limits, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => YamlConfigLoader.Parse("x.yaml", yaml, limits));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Aliases_within_the_limits_mean_what_they_stand_for()
    {
        using var config = new ConfigFiles();
        config.Write("main.yaml", "users:\n  users:\n    anna: &person { isNormalUser: true, extraGroups: &groups [video, input] }\n    bert: *person\n  groups:\n    video: {}\n    input: {}\n");

        var users = config.Evaluate().Config.Set("users.users");

        Assert.Equal(["video", "input"], users.Set("bert").Strings("extraGroups"));
        Assert.True(users.Set("anna").Bool("isNormalUser") && users.Set("bert").Bool("isNormalUser"));
    }

    [Fact]
    public void A_file_that_is_not_text_or_not_a_regular_file_is_refused_by_kind()
    {
        using var config = new ConfigFiles();
        File.WriteAllBytes(config.PathOf("binary.yaml"), [0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]);
        config.Write("main.yaml", "imports: [binary.yaml]\n");
        Assert.Equal("{dir}/binary.yaml:1:1: the file is not UTF-8 text", config.Error());

        Assert.Equal(0, HostProgram.Run("mkfifo", [config.PathOf("pipe.yaml")]).ExitCode);
        config.Write("main.yaml", "imports: [pipe.yaml]\n");
        Assert.Equal("{dir}/main.yaml:1:11: imports: '{dir}/pipe.yaml' is not a regular file", config.Error());
    }

    [Fact]
    public void A_file_that_is_no_mapping_is_named_by_kind_never_by_its_text()
    {
        using var config = new ConfigFiles();
        config.Write("notes.yaml", "secret-token-4711 and more text\n");
        config.Write("main.yaml", "imports: [notes.yaml]\n");

        Assert.Equal("{dir}/notes.yaml:1:1: expected a mapping of options, got a string", config.Error());
    }

    public void Dispose() => dir.Dispose();
}
