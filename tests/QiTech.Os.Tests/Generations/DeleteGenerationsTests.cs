using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Generations;

public sealed class DeleteGenerationsTests : IDisposable
{
    private readonly SystemRoot _root = new();

    public void Dispose() => _root.Dispose();

    private void SwitchThrough(params string[] labels)
    {
        foreach (var label in labels)
        {
            _root.Ok("switch", "--system", _root.AddSystem(label));
        }
    }

    [Fact]
    public void Named_generations_are_deleted_with_their_boot_entries()
    {
        SwitchThrough("v1", "v2", "v3");

        var output = _root.Ok("delete-generations", "1", "2");

        Assert.Contains("deleted generation 1", output);
        Assert.Equal(["system-3-link"], SystemInvariants.Generations(_root));
        Assert.False(_root.Has("/boot/loader/entries/qitech-1+3.conf"));
        Assert.True(_root.Has("/boot/loader/entries/qitech-3+3.conf"));
    }

    [Fact]
    public void The_current_generation_is_never_deleted_and_nothing_else_goes_either()
    {
        SwitchThrough("v1", "v2");

        var r = _root.Cli("delete-generations", "1", "2");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("refusing to delete generation 2", r.Stderr);
        Assert.Contains("current generation", r.Stderr);
        Assert.Equal(["system-1-link", "system-2-link"], SystemInvariants.Generations(_root));
    }

    [Fact]
    public void The_boot_default_is_never_deleted()
    {
        var v1 = _root.AddSystem("v1");
        var v2 = _root.AddSystem("v2");
        _root.Ok("switch", "--system", v1);
        _root.Ok("boot", "--system", v2);

        var r = _root.Cli("delete-generations", "2");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("boot default", r.Stderr);
    }

    [Fact]
    public void Keep_last_k_deletes_older_ones_but_keeps_the_protected()
    {
        SwitchThrough("v1", "v2", "v3", "v4");
        _root.Ok("switch", "--rollback");
        _root.Ok("switch", "--rollback");

        var output = _root.Ok("delete-generations", "+1");

        Assert.Contains("kept generation 2: it is the current generation", output);
        Assert.Equal(["system-2-link", "system-4-link"], SystemInvariants.Generations(_root));
    }

    [Fact]
    public void Older_than_n_days_spares_todays_generations()
    {
        SwitchThrough("v1", "v2");
        // A generation's date is its link's own mtime, as with Nix.
        var touch = HostProgram.Run("touch", ["-h", "-d", "40 days ago", _root.Physical("/qitech/profiles/system-1-link")]);
        Assert.Equal(0, touch.ExitCode);

        var output = _root.Ok("delete-generations", "30d");

        Assert.Contains("deleted generation 1", output);
        Assert.Equal(["system-2-link"], SystemInvariants.Generations(_root));
    }

    [Fact]
    public void Retention_after_a_switch_keeps_the_last_k_generations()
    {
        _root.Ok("retention", "--keep", "2");

        SwitchThrough("v1", "v2", "v3", "v4");

        Assert.Equal(["system-3-link", "system-4-link"], SystemInvariants.Generations(_root));
        Assert.Equal(2, Directory.GetFiles(_root.Physical("/boot/loader/entries"), "qitech-*.conf").Length);
    }
}
