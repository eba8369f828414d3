using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Generations;

/// <summary><c>switch|dry-activate --config FILE</c>: build the configuration, then activate what it gives.</summary>
public sealed class SwitchConfigTests : IDisposable
{
    private readonly SystemRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Should_build_the_example_configuration_and_switch_to_it()
    {
        using var dir = new TempDir("qitech-config");
        var config = ExampleConfiguration.CopyTo(dir.Combine("config"));
        var built = _root.Cli("build", "--config", config);
        Assert.True(built.ExitCode == 0, built.Stderr);

        var dry = _root.Cli("dry-activate", "--config", config);
        var r = _root.Cli("switch", "--config", config);

        Assert.True(dry.ExitCode == 0, dry.Stderr);
        Assert.Contains("qitech-control-server.service", dry.StdoutText);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("generation 1 (" + built.StdoutText.Trim() + ") is current", r.StdoutText);
        Assert.Equal(built.StdoutText.Trim(), _root.LinkTarget("/run/current-system"));
    }

    [Fact]
    public void Should_refuse_a_broken_configuration_and_change_nothing()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cfg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var file = Path.Combine(dir, "machine.yaml");
            File.WriteAllText(file, "system:\n  hostNmae: x\n");

            var r = _root.Cli("switch", "--config", file);
            var both = _root.Cli("switch", "--config", file, "--rollback");

            Assert.Equal(2, r.ExitCode);
            Assert.Contains("machine.yaml:2:3", r.Stderr);
            Assert.Equal(2, both.ExitCode);
            Assert.False(_root.Has("/qitech/profiles/system"));
            Assert.False(_root.Has("/run/current-system"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
