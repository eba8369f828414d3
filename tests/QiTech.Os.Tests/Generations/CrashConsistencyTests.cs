using QiTech.Os.Activation;
using QiTech.Os.Tests.Support;
using Xunit.Abstractions;

namespace QiTech.Os.Tests.Generations;

/// <summary>
/// Kills the real CLI (SIGKILL, via QITECH_FAULT) at every step of switch, rollback, boot,
/// test and delete; the next command finishes or never started the change, so the system
/// runs exactly the old or the new generation with profile, current-system and /etc agreeing.
/// </summary>
public sealed class CrashConsistencyTests : IDisposable
{
    private const int KilledBySigkill = 137;
    private readonly SystemRoot _root = new();
    private readonly string _v1;
    private readonly string _v2;
    private readonly ITestOutputHelper _output;

    public CrashConsistencyTests(ITestOutputHelper output)
    {
        _output = output;
        _v1 = _root.AddSystem("v1", etc: new Dictionary<string, string> { ["motd"] = "1", ["only-v1.conf"] = "1" });
        _v2 = _root.AddSystem("v2", etc: new Dictionary<string, string> { ["motd"] = "2", ["only-v2.conf"] = "2", ["dir/nested.conf"] = "2" });
        _root.SwitchTo(_v1);
    }

    public void Dispose() => _root.Dispose();

    private void KillAt(string fault, params string[] args)
    {
        var r = _root.CliWith(new Dictionary<string, string> { ["QITECH_FAULT"] = fault }, args);
        Assert.True(r.ExitCode == KilledBySigkill, $"expected the process to die at {fault}, it exited {r.ExitCode}: {r.Stderr}");
    }

    /// <summary>What a user does next: any generation command recovers first.</summary>
    private void Recover() => _root.Ok("list-generations");

    [Theory]
    [InlineData("after-journal")]
    [InlineData("after-generation")]
    [InlineData("after-profile")]
    [InlineData("after-stop")]
    [InlineData("after-etc-static")]
    [InlineData("after-etc-link")]
    [InlineData("after-etc-link:3")]
    [InlineData("after-etc-links")]
    [InlineData("after-current-system")]
    [InlineData("after-setup")]
    [InlineData("after-reload")]
    [InlineData("after-restart")]
    [InlineData("after-start")]
    [InlineData("after-boot-entries")]
    [InlineData("after-sync")]
    [InlineData("after-done")]
    public void Switch_killed_after_the_journal_ends_on_the_new_generation(string fault)
    {
        KillAt(fault, "switch", "--system", _v2);
        Recover();

        SystemInvariants.AssertRunning(_root, _v2, bootDefault: true);
        Assert.Equal(["system-1-link", "system-2-link"], SystemInvariants.Generations(_root));
        Assert.Equal("2", _root.ReadText("/etc/motd"));
        Assert.Equal(2, new BootEntries(_root.Layout).LoaderChoice()?.Value);
    }

    [Fact]
    public void Switch_killed_before_the_journal_leaves_the_old_generation()
    {
        KillAt("before-journal", "switch", "--system", _v2);
        Recover();

        SystemInvariants.AssertRunning(_root, _v1, bootDefault: true);
        Assert.Equal(["system-1-link"], SystemInvariants.Generations(_root));
    }

    [Theory]
    [InlineData("after-journal")]
    [InlineData("after-profile")]
    [InlineData("after-etc-static")]
    [InlineData("after-etc-link")]
    [InlineData("after-current-system")]
    [InlineData("after-boot-entries")]
    [InlineData("after-sync")]
    public void Rollback_killed_at_any_step_ends_on_the_previous_generation(string fault)
    {
        _root.SwitchTo(_v2);

        KillAt(fault, "switch", "--rollback");
        Recover();

        SystemInvariants.AssertRunning(_root, _v1, bootDefault: true);
        Assert.Equal(["system-1-link", "system-2-link"], SystemInvariants.Generations(_root));
        Assert.False(_root.Has("/etc/only-v2.conf"));
    }

    [Theory]
    [InlineData("after-journal")]
    [InlineData("after-generation")]
    [InlineData("after-profile")]
    [InlineData("after-boot-entries")]
    public void Boot_killed_at_any_step_makes_the_new_default_and_leaves_the_running_system(string fault)
    {
        KillAt(fault, "boot", "--system", _v2);
        Recover();

        SystemInvariants.AssertRunning(_root, _v1, bootDefault: false);
        Assert.Equal(_v2, SystemInvariants.DefaultSystem(_root));
    }

    [Theory]
    [InlineData("after-journal")]
    [InlineData("after-etc-static")]
    [InlineData("after-etc-link:2")]
    [InlineData("after-current-system")]
    public void Test_killed_at_any_step_runs_the_new_system_and_keeps_the_default(string fault)
    {
        KillAt(fault, "test", "--system", _v2);
        Recover();

        SystemInvariants.AssertRunning(_root, _v2, bootDefault: false);
        Assert.Equal(_v1, SystemInvariants.DefaultSystem(_root));
        Assert.Equal(["system-1-link"], SystemInvariants.Generations(_root));
    }

    [Fact]
    public void Delete_killed_half_way_keeps_every_remaining_generation_whole()
    {
        var v3 = _root.AddSystem("v3");
        _root.SwitchTo(_v2);
        _root.SwitchTo(v3);

        KillAt("after-delete-one", "delete-generations", "1", "2");
        Recover();

        Assert.Equal(["system-2-link", "system-3-link"], SystemInvariants.Generations(_root));
        SystemInvariants.AssertRunning(_root, v3, bootDefault: true);
        Assert.False(_root.Has("/boot/loader/entries/qitech-1+3.conf"));
        Assert.True(_root.Has("/boot/loader/entries/qitech-2+3.conf"));
    }

    [Fact]
    public void Killed_at_arbitrary_instants_the_system_is_old_or_new_never_a_mix()
    {
        // Unlike the named steps above, these kills land wherever the process happens to be.
        var systems = new[] { _v1, _v2 };
        var random = TestSeed.Random(_output);
        for (var round = 0; round < 4; round++)
        {
            var target = systems[(round + 1) % 2];
            var process = OurCli.Start(["--root", _root.Root, "switch", "--system", target]);
            Thread.Sleep(random.Next(150, 900));
            process.Kill();
            process.WaitForExit();
            Recover();

            var running = _root.LinkTarget("/run/current-system");
            Assert.Contains(running, systems);
            SystemInvariants.AssertRunning(_root, running!, bootDefault: true);
        }
    }
}
