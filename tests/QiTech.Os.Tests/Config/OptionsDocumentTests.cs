using System.Text.Json;
using Json.Schema;
using QiTech.Os.Config;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Config;

/// <summary>The Markdown reference and the JSON Schema come from the declarations that check configurations.</summary>
public sealed class OptionsDocumentTests
{
    private static readonly OptionSet Options = ConfigEvaluator.Default.Options;
    private static readonly JsonSchema Schema = JsonSchema.FromText(ConfigJson.Write(OptionsDocument.JsonSchema(Options)));

    [Fact]
    public void Markdown_lists_every_option_with_type_default_and_description()
    {
        var markdown = OptionsDocument.Markdown(Options);
        var all = OptionsDocument.Flatten(Options, OptionPath.Root).ToList();
        Assert.True(all.Count > 60, $"only {all.Count} options");
        foreach (var (path, option) in all)
        {
            var section = markdown.Split($"\n## `{path}`\n\n")[1].Split("\n## ")[0];
            Assert.StartsWith(option.Description, section, StringComparison.Ordinal);
            Assert.Contains("- Type: " + option.Type.Name + "\n", section, StringComparison.Ordinal);
            Assert.Contains("- Default: `", section, StringComparison.Ordinal);
        }
        Assert.Contains("## `services.qitech.port`\n\nThe HTTP port of the UI and REST API, on loopback only (the kiosk's browser).\n\n- Type: int between 1 and 65535\n- Default: `3001`\n", markdown, StringComparison.Ordinal);
        Assert.Contains("## `users.users.<name>.extraGroups`", markdown, StringComparison.Ordinal);
        Assert.Contains("## `security.loginLimits.*.item`", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_file_of_the_example_is_valid_against_the_schema()
    {
        var files = Directory.GetFiles(RepoFiles.Combine("configuration"), "*.yaml", SearchOption.AllDirectories);
        Assert.True(files.Length >= 5);
        foreach (var file in files)
        {
            var result = Schema.Evaluate(YamlToJson.Convert(File.ReadAllText(file)), new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(result.IsValid, file + ": " + Describe(result));
        }
    }

    [Theory]
    [InlineData("services:\n  qitech:\n    prot: 3001\n", "/services/qitech/prot")]
    [InlineData("services:\n  qitech:\n    port: http\n", "/services/qitech/port")]
    [InlineData("services:\n  qitech:\n    port: 70000\n", "/services/qitech/port")]
    [InlineData("services:\n  qitech:\n    restart: sometimes\n", "/services/qitech/restart")]
    [InlineData("boot:\n  kernelParams: quiet\n", "/boot/kernelParams")]
    [InlineData("users:\n  users:\n    anna:\n      isNormalUser: yes\n", "/users/users/anna/isNormalUser")]
    [InlineData("networking:\n  firewall:\n    allowedTCPPorts: [22, ssh]\n", "/networking/firewall/allowedTCPPorts/1")]
    [InlineData("system:\n  hostName: Line_1\n", "/system/hostName")]
    [InlineData("wallpaper: blue.png\n", "/wallpaper")]
    public void Malformed_files_are_invalid_at_the_right_place(string yaml, string instanceLocation)
    {
        var result = Schema.Evaluate(YamlToJson.Convert(yaml), new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.False(result.IsValid);
        Assert.True(Flat(result).Any(d => d.Errors is { Count: > 0 } && d.InstanceLocation.ToString() == instanceLocation), Describe(result));
    }

    [Fact]
    public void A_valid_file_with_every_kind_of_value_passes()
    {
        var yaml = "imports: [a.yaml]\nsystem: { hostName: line-1 }\nservices:\n  qitech: { enable: true, port: 3002, environment: { A: 1, B: x, C: true } }\n"
            + "  logind: { settings: { Login: { IdleAction: ignore } } }\nsystemd:\n  services:\n    w: { serviceConfig: { ExecStart: /bin/w, ExecStartPre: [/bin/a, /bin/b] } }\n"
            + "kiosk: { url: null }\nenvironment:\n  etc:\n    motd: { text: hi, mode: '0644' }\n";
        var result = Schema.Evaluate(YamlToJson.Convert(yaml), new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, Describe(result));
    }

    [Fact]
    public void The_committed_reference_and_schema_are_current()
    {
        Assert.Equal(OptionsDocument.Markdown(Options), File.ReadAllText(RepoFiles.Combine("docs", "options.md")));
        Assert.Equal(ConfigJson.Write(OptionsDocument.JsonSchema(Options)), File.ReadAllText(RepoFiles.Combine("configuration", "options.schema.json")));
    }

    [Fact]
    public void The_cli_prints_the_same_reference_and_schema()
    {
        var markdown = OurCli.Run("options");
        Assert.Equal(0, markdown.ExitCode);
        Assert.Equal(OptionsDocument.Markdown(Options), markdown.StdoutText);
        var schema = OurCli.Run("options", "--json-schema");
        Assert.Equal(0, schema.ExitCode);
        using var parsed = JsonDocument.Parse(schema.StdoutText);
        Assert.Equal("object", parsed.RootElement.GetProperty("type").GetString());
        Assert.Equal(ConfigJson.Write(OptionsDocument.JsonSchema(Options)), schema.StdoutText);
    }

    private static IEnumerable<EvaluationResults> Flat(EvaluationResults result) => [result, .. result.Details ?? []];

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", Flat(result).Where(d => d.Errors is { Count: > 0 }).Select(d => d.InstanceLocation + " " + string.Join(",", d.Errors!.Values)));
}
