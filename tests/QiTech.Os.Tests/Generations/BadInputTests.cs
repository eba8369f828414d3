using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Generations;

/// <summary>Every kind of bad input: exit code 2, one line naming the cause, and nothing changed.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly SystemRoot _root = new();
    private readonly string _v1;
    private readonly string _v2;

    public BadInputTests()
    {
        _v1 = _root.AddSystem("v1");
        _v2 = _root.AddSystem("v2");
        _root.SwitchTo(_v1);
    }

    public void Dispose() => _root.Dispose();

    private string Refused(params string[] args)
    {
        var before = _root.Snapshot();
        var r = _root.Cli(args);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.StartsWith("error: ", r.Stderr);
        Assert.Single(r.Stderr.TrimEnd().Split('\n'));
        Assert.Equal(before, _root.Snapshot());
        return r.Stderr;
    }

    [Fact]
    public void A_relative_path_is_refused() =>
        Assert.Contains("absolute store path", Refused("switch", "--system", "qitech/store/x"));

    [Fact]
    public void Dot_dot_in_a_path_is_refused() =>
        Assert.Contains("'..'", Refused("switch", "--system", _v2 + "/../" + Path.GetFileName(_v1)));

    [Fact]
    public void A_path_outside_the_store_is_refused() =>
        Assert.Contains("not inside the store directory", Refused("test", "--system", "/tmp/something"));

    [Fact]
    public void An_unregistered_store_path_is_refused() =>
        Assert.Contains("not registered in the store", Refused("switch", "--system", "/qitech/store/00000000000000000000000000000000-system"));

    [Fact]
    public void A_store_path_without_qitech_os_release_is_not_a_system_closure()
    {
        var broken = _root.AddSystem("no-release", release: false);
        var message = Refused("switch", "--system", broken);
        Assert.Contains("not a valid system closure", message);
        Assert.Contains("missing qitech-os-release", message);
    }

    [Fact]
    public void Giving_both_system_and_rollback_is_refused() =>
        Assert.Contains("exactly one", Refused("switch", "--system", _v2, "--rollback"));

    [Fact]
    public void Rollback_with_no_earlier_generation_is_refused() =>
        Assert.Contains("no generation before 1", Refused("switch", "--rollback"));

    [Fact]
    public void Deleting_an_unknown_generation_is_refused() =>
        Assert.Contains("generation 7 does not exist", Refused("delete-generations", "7"));

    [Fact]
    public void A_malformed_deletion_spec_is_refused() =>
        Assert.Contains("'x1'", Refused("delete-generations", "x1"));

    [Fact]
    public void A_hand_edited_default_link_is_refused()
    {
        File.Delete(_root.Physical("/qitech/profiles/system"));
        File.CreateSymbolicLink(_root.Physical("/qitech/profiles/system"), "system-9-link");
        Assert.Contains("system-9-link", Refused("switch", "--system", _v2));
    }

    [Fact]
    public void A_profile_that_is_a_plain_file_is_refused()
    {
        File.Delete(_root.Physical("/qitech/profiles/system"));
        File.WriteAllText(_root.Physical("/qitech/profiles/system"), "system-1-link");
        Assert.Contains("hand-edited", Refused("list-generations"));
    }

    [Fact]
    public void A_generation_link_pointing_outside_the_store_is_refused()
    {
        File.CreateSymbolicLink(_root.Physical("/qitech/profiles/system-2-link"), "/tmp/elsewhere");
        Assert.Contains("not a store path", Refused("switch", "--system", _v2));
    }

    [Fact]
    public void A_relative_root_is_the_folder_under_the_working_directory()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("tree", "etc"));
        File.WriteAllText(dir.Combine("tree", "etc", "motd"), "hello\n");

        var added = OurCli.RunIn(dir.Path, "--root", "machine", "store", "add", "tree");

        Assert.True(added.ExitCode == 0, added.Stderr);
        Assert.True(Directory.Exists(dir.Combine("machine", "qitech", "store", Path.GetFileName(added.StdoutText.Trim()))));
    }
}
