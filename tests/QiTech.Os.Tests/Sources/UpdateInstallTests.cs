using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Sources;

/// <summary>The update pipeline up to activation: failures before it leave the machine as it was.</summary>
public sealed class UpdateInstallTests : IDisposable
{
    private readonly TempDir _temp = new("qitech-install");
    private readonly GitFixture _repo;

    public UpdateInstallTests() => _repo = new GitFixture(_temp.Combine("repo"));

    private string Root => _temp.Combine("root");

    [Fact]
    public void A_configuration_error_at_the_ref_names_its_place_and_adds_no_generation()
    {
        _repo.Write("machine.yaml", "system:\n  hostName: Not_A_Host\n");
        _repo.Commit("bad host name", 6);

        var r = OurCli.Run("--root", Root, "update", "install", "main", "--source", _repo.Path);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("==> fetch", r.Stderr);
        Assert.Contains("machine.yaml:2:13: system.hostName: expected host name", r.Stderr);
        Assert.DoesNotContain("==> activate", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(Root, "qitech/profiles")) && Directory.EnumerateFileSystemEntries(Path.Combine(Root, "qitech/profiles"), "system-*").Any());
    }

    [Fact]
    public void A_ref_without_a_configuration_is_refused_before_building()
    {
        var r = OurCli.Run("--root", Root, "update", "install", "v1.0", "--source", _repo.Path);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error: v1.0: the commit has no configuration file 'machine.yaml'", r.Stderr);
        Assert.DoesNotContain("==> build system", r.Stderr);
    }

    [Fact]
    public void Two_activation_modes_at_once_are_bad_input()
    {
        var r = OurCli.Run("--root", Root, "update", "install", "main", "--switch", "--test", "--source", _repo.Path);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("at most one of --switch, --boot, --test", r.Stderr);
    }

    public void Dispose() => _temp.Dispose();
}
