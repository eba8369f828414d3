using QiTech.Os.Activation;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Generations;

/// <summary>switch, boot, test, dry-activate and --rollback through the real CLI on a temporary root.</summary>
public sealed class SwitchTests : IDisposable
{
    private readonly SystemRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Switch_makes_a_generation_current_default_and_links_etc()
    {
        var v1 = _root.AddSystem("v1", etc: new Dictionary<string, string> { ["motd"] = "v1\n", ["qitech/server.yaml"] = "port: 3001\n" });

        var output = _root.Ok("switch", "--system", v1);

        Assert.Contains("generation 1", output);
        Assert.Contains("to start: a.service b.service", output);
        Assert.Equal("system-1-link", _root.LinkTarget("/qitech/profiles/system"));
        Assert.Equal(v1, _root.LinkTarget("/qitech/profiles/system-1-link"));
        SystemInvariants.AssertRunning(_root, v1, bootDefault: true);
        Assert.Equal("v1\n", _root.ReadText("/etc/motd"));
        Assert.Equal("port: 3001\n", _root.ReadText("/etc/qitech/server.yaml"));
    }

    [Fact]
    public void Switch_plans_a_restart_only_for_the_unit_whose_file_changed()
    {
        _root.Ok("switch", "--system", _root.AddSystem("v1"));
        var v2 = _root.AddSystem("v2");

        var output = _root.Ok("switch", "--system", v2);

        Assert.Contains("to restart: b.service", output);
        Assert.Contains("unchanged: a.service", output);
        Assert.DoesNotContain("to start", output);
        Assert.Equal(["system-1-link", "system-2-link"], SystemInvariants.Generations(_root));
        SystemInvariants.AssertRunning(_root, v2, bootDefault: true);
    }

    [Fact]
    public void Removed_and_added_units_and_etc_files_are_planned_and_linked()
    {
        _root.Ok("switch", "--system", _root.AddSystem("v1", etc: new Dictionary<string, string> { ["old.conf"] = "x", ["old/deep/file.conf"] = "z" }));
        Directory.CreateDirectory(_root.Physical("/etc/admin-dir"));
        var v2 = _root.AddSystem("v2",
            units: new Dictionary<string, string> { ["a.service"] = SystemRoot.Units("v1")["a.service"], ["c.service"] = "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n" },
            etc: new Dictionary<string, string> { ["new.conf"] = "y" });

        var output = _root.Ok("switch", "--system", v2);

        Assert.Contains("to stop: b.service", output);
        Assert.Contains("to start: c.service", output);
        Assert.False(_root.Has("/etc/old.conf"));
        Assert.False(_root.Has("/etc/old"));
        Assert.True(_root.Has("/etc/admin-dir"));
        Assert.Equal("y", _root.ReadText("/etc/new.conf"));
        SystemInvariants.AssertRunning(_root, v2, bootDefault: true);
    }

    [Fact]
    public void Generation_activates_an_existing_one_without_adding_and_once_is_kept_for_the_next_boot()
    {
        var v1 = _root.AddSystem("v1");
        var v2 = _root.AddSystem("v2");
        _root.Ok("switch", "--system", v1);
        _root.Ok("switch", "--system", v2);

        var back = _root.Ok("switch", "--generation", "1");
        var once = _root.Ok("boot", "--generation", "2", "--once");
        var bad = _root.Cli("switch", "--generation", "0");

        Assert.Contains($"generation 1 ({v1}) is current and the boot default", back);
        Assert.Equal(["system-1-link", "system-2-link"], SystemInvariants.Generations(_root));
        SystemInvariants.AssertRunning(_root, v1, bootDefault: true);
        Assert.StartsWith("generation 2 boots once at the next boot; then the boot default (generation 1) again\n", once);
        Assert.Equal("2\n", File.ReadAllText(_root.Physical("/qitech/var/next-boot")));
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("error: --generation '0' ", bad.Stderr);
    }

    [Fact]
    public void Switching_to_the_newest_generations_system_again_reuses_it()
    {
        var v1 = _root.AddSystem("v1");
        _root.Ok("switch", "--system", v1);

        _root.Ok("switch", "--system", v1);

        Assert.Equal(["system-1-link"], SystemInvariants.Generations(_root));
    }

    [Fact]
    public void Rollback_returns_to_the_previous_generation_without_adding_one()
    {
        var v1 = _root.AddSystem("v1", etc: new Dictionary<string, string> { ["only-in-v1"] = "1" });
        var v2 = _root.AddSystem("v2", etc: new Dictionary<string, string> { ["only-in-v2"] = "2" });
        _root.Ok("switch", "--system", v1);
        _root.Ok("switch", "--system", v2);

        var output = _root.Ok("switch", "--rollback");

        Assert.Contains("generation 1", output);
        Assert.Equal(["system-1-link", "system-2-link"], SystemInvariants.Generations(_root));
        SystemInvariants.AssertRunning(_root, v1, bootDefault: true);
        Assert.True(_root.Has("/etc/only-in-v1"));
        Assert.False(_root.Has("/etc/only-in-v2"));
    }

    [Fact]
    public void Boot_changes_the_default_but_not_what_runs()
    {
        var v1 = _root.AddSystem("v1");
        var v2 = _root.AddSystem("v2");
        _root.Ok("switch", "--system", v1);

        var output = _root.Ok("boot", "--system", v2);

        Assert.Contains("boot default from the next boot", output);
        Assert.Equal(v2, SystemInvariants.DefaultSystem(_root));
        SystemInvariants.AssertRunning(_root, v1, bootDefault: false);
        Assert.Equal(2, new BootEntries(_root.Layout).LoaderChoice()?.Value);
    }

    [Fact]
    public void Boot_rollback_makes_the_previous_generation_the_default_only()
    {
        var v1 = _root.AddSystem("v1");
        var v2 = _root.AddSystem("v2");
        _root.Ok("switch", "--system", v1);
        _root.Ok("switch", "--system", v2);

        _root.Ok("boot", "--rollback");

        Assert.Equal(v1, SystemInvariants.DefaultSystem(_root));
        SystemInvariants.AssertRunning(_root, v2, bootDefault: false);
    }

    [Fact]
    public void Test_activates_without_a_generation_and_keeps_the_default()
    {
        var v1 = _root.AddSystem("v1");
        var v2 = _root.AddSystem("v2");
        _root.Ok("switch", "--system", v1);

        _root.Ok("test", "--system", v2);

        Assert.Equal(["system-1-link"], SystemInvariants.Generations(_root));
        Assert.Equal(v1, SystemInvariants.DefaultSystem(_root));
        SystemInvariants.AssertRunning(_root, v2, bootDefault: false);
    }

    [Fact]
    public void Dry_activate_prints_the_plan_and_changes_nothing()
    {
        _root.Ok("switch", "--system", _root.AddSystem("v1"));
        var v2 = _root.AddSystem("v2", etc: new Dictionary<string, string> { ["extra"] = "e" });
        var before = _root.Snapshot();

        var output = _root.Ok("dry-activate", "--system", v2);

        Assert.Contains("would restart: b.service", output);
        Assert.Contains("would leave running: a.service", output);
        Assert.Contains("would link /etc/extra", output);
        Assert.Contains("would remove /etc/motd", output);
        Assert.Equal(before, _root.Snapshot());
    }

    [Fact]
    public void A_file_of_the_administrator_in_etc_is_left_alone_with_a_warning()
    {
        Directory.CreateDirectory(_root.Physical("/etc"));
        File.WriteAllText(_root.Physical("/etc/motd"), "hand-written\n");
        var v1 = _root.AddSystem("v1");

        var r = _root.Cli("switch", "--system", v1);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("/etc/motd is not a link made by qitech-os", r.Stderr);
        Assert.Equal("hand-written\n", _root.ReadText("/etc/motd"));
        Assert.Equal(v1, _root.LinkTarget("/run/current-system"));
    }

    [Fact]
    public void Store_paths_given_physically_under_the_root_are_accepted()
    {
        var v1 = _root.AddSystem("v1");

        _root.Ok("switch", "--system", _root.Physical(v1));

        SystemInvariants.AssertRunning(_root, v1, bootDefault: true);
    }
}
