using QiTech.Os.Activation;
using QiTech.Os.Generations;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Generations;

/// <summary>
/// What the daemon records on its first start after a real boot (systemd as init), run on a
/// folder root with the kernel command line given: /run is empty as after a boot.
/// </summary>
public sealed class RealBootRecordTests : IDisposable
{
    private readonly SystemRoot _root = new();
    private readonly string _v1;
    private readonly string _v2;
    private readonly SystemManager _manager;

    public RealBootRecordTests()
    {
        _v1 = _root.AddSystem("v1");
        _v2 = _root.AddSystem("v2");
        _root.SwitchTo(_v1);
        _manager = _root.Manager();
        _manager.ActivateAsync(Activation.ActivationMode.Boot, Activation.ActivationTarget.ParseStorePath(_root.Layout, _v2)).GetAwaiter().GetResult();
    }

    public void Dispose() => _root.Dispose();

    /// <summary>A power cycle: /run is a fresh tmpfs.</summary>
    private void PowerCycle()
    {
        foreach (var link in new[] { "/run/current-system", "/run/booted-system", "/run/qitech-os/boot-recorded" })
        {
            if (File.Exists(_root.Physical(link)) || _root.LinkTarget(link) != null)
            {
                File.Delete(_root.Physical(link));
            }
        }
    }

    [Fact]
    public async Task The_system_the_boot_loader_named_is_recorded_even_when_it_is_not_the_default()
    {
        PowerCycle();

        var notes = (await _manager.RecordRealBootAsync($"BOOT_IMAGE=/vmlinuz quiet qitech.system={_v1}")).Notes;

        Assert.Equal((_v1, _v1), (_root.LinkTarget("/run/booted-system"), _root.LinkTarget("/run/current-system")));
        Assert.Equal($"booted generation 1 (named on the kernel command line): {_v1}", Assert.Single(notes));
        Assert.Equal(new GenerationNumber(2), _manager.State().BootDefault);
    }

    [Fact]
    public async Task Without_a_name_the_one_shot_choice_is_taken_once_then_the_default()
    {
        await _manager.SetNextBootAsync(new GenerationNumber(1));
        PowerCycle();

        await _manager.RecordRealBootAsync("quiet");
        var first = (_root.LinkTarget("/run/booted-system"), _manager.NextBoot());
        PowerCycle();
        var notes = (await _manager.RecordRealBootAsync("quiet qitech.system=/qitech/store/00000000000000000000000000000000-gone")).Notes;

        Assert.Equal((_v1, (GenerationNumber?)null), first);
        Assert.Equal(_v2, _root.LinkTarget("/run/booted-system"));
        Assert.Equal(_v2, _root.LinkTarget("/run/current-system"));
        Assert.Equal($"booted generation 2 (the boot default): {_v2}", notes[0]);
        // /etc still holds v1's links: early boot did not relink it, and the daemon says so.
        Assert.Contains($"points to {_v1}/etc, not the booted system's etc", notes[1]);
    }

    [Fact]
    public async Task A_switch_a_power_cut_interrupted_is_finished_on_disk_only_and_the_booted_system_keeps_running()
    {
        var v3 = _root.AddSystem("v3");
        var etcBefore = _root.LinkTarget("/etc/static");
        new ActivationJournal(ActivationMode.Switch, v3, 3, _v1, [], ["v3-only.service"], []).Save(_root.Layout);
        PowerCycle();

        var notes = (await _manager.RecordRealBootAsync($"qitech.system={_v1}")).Notes;

        // What the operator asked for is kept: generation 3 exists and is the default for the next boot.
        Assert.Equal(new GenerationNumber(3), _manager.State().BootDefault);
        Assert.Null(ActivationJournal.Load(_root.Layout));
        // This boot runs what the loader booted, whole: its links, its /etc, no unit of the other.
        Assert.Equal((_v1, _v1), (_root.LinkTarget("/run/booted-system"), _root.LinkTarget("/run/current-system")));
        Assert.Equal(etcBefore, _root.LinkTarget("/etc/static"));
        Assert.Equal($"booted generation 1 (named on the kernel command line): {_v1}", notes[0]);
    }

    [Fact]
    public async Task A_later_start_in_the_same_boot_changes_nothing()
    {
        PowerCycle();
        await _manager.RecordRealBootAsync($"qitech.system={_v2}");
        await _manager.ActivateAsync(Activation.ActivationMode.Test, Activation.ActivationTarget.ParseStorePath(_root.Layout, _v1));
        var before = _root.Snapshot();

        var record = await _manager.RecordRealBootAsync($"qitech.system={_v2}");

        Assert.False(record.FirstStart);
        Assert.Empty(record.Notes);
        Assert.Equal(before, _root.Snapshot());
        Assert.Equal((_v2, _v1), (_root.LinkTarget("/run/booted-system"), _root.LinkTarget("/run/current-system")));
    }

    [Fact]
    public async Task Links_early_boot_made_are_kept_and_the_one_shot_choice_is_consumed_on_the_first_start()
    {
        await _manager.SetNextBootAsync(new GenerationNumber(1));
        PowerCycle();
        File.CreateSymbolicLink(_root.Physical("/run/booted-system"), _v1);
        File.CreateSymbolicLink(_root.Physical("/run/current-system"), _v1);

        var record = await _manager.RecordRealBootAsync($"qitech.system={_v1}");

        Assert.True(record.FirstStart);
        Assert.Equal($"booted generation 1 (linked by early boot): {_v1}", Assert.Single(record.Notes));
        Assert.Null(_manager.NextBoot());
        Assert.Null(_manager.Fallback());
    }

    [Fact]
    public async Task A_default_the_boot_loader_passed_over_for_having_no_tries_left_is_marked_failed_and_stops_being_the_default()
    {
        var entries = _root.Physical("/boot/loader/entries");
        File.Move(Directory.GetFiles(entries, "qitech-2*.conf").Single(), Path.Combine(entries, "qitech-2+0-3.conf"));
        PowerCycle();
        File.CreateSymbolicLink(_root.Physical("/run/booted-system"), _v1);

        var record = await _manager.RecordRealBootAsync($"qitech.system={_v1}");

        Assert.Contains("fell back from generation 2 to generation 1: generation 2 did not become healthy in 3 boots", record.Notes[1]);
        Assert.Equal((2, 1), (_manager.Fallback()!.From, _manager.Fallback()!.To));
        Assert.Equal(new GenerationNumber(1), _manager.State().BootDefault);
        Assert.True(_manager.Failed.All().ContainsKey(new GenerationNumber(2)));
        Assert.Equal(1, new Activation.BootEntries(_root.Layout).LoaderChoice()?.Value);
    }
}
