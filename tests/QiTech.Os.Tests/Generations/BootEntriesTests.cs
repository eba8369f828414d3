using QiTech.Os.Activation;
using QiTech.Os.Generations;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Generations;

public sealed class BootEntriesTests : IDisposable
{
    private readonly SystemRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Each_generation_gets_a_bls_entry_with_its_kernel_params_and_the_default_is_set()
    {
        var v1 = _root.AddSystem("v1", kernelParams: "console=ttyS0\nquiet");
        _root.Ok("switch", "--system", v1);
        _root.Ok("switch", "--system", _root.AddSystem("v2"));

        var entry = _root.ReadText("/boot/loader/entries/qitech-1+3.conf");

        Assert.StartsWith("title QiTech Control OS, generation 1 (v1, ", entry);
        Assert.Contains("version 1 v1\n", entry);
        Assert.Contains($"options console=ttyS0 quiet qitech.system={v1}\n", entry);
        Assert.Contains("sort-key qitech-2\n", entry);
        Assert.Contains("sort-key qitech-0-default\n", _root.ReadText("/boot/loader/entries/qitech-2+3.conf"));
        Assert.Equal("default qitech-*\ntimeout 3\n", _root.ReadText("/boot/loader/loader.conf"));
        Assert.Equal(2, new BootEntries(_root.Layout).LoaderChoice()?.Value);
    }

    [Fact]
    public void The_hosts_kernel_is_used_when_the_system_has_none_and_admin_lines_stay()
    {
        Directory.CreateDirectory(_root.Physical("/boot/loader"));
        File.WriteAllText(_root.Physical("/boot/vmlinuz-6.1.0-13-amd64"), "k");
        File.WriteAllText(_root.Physical("/boot/initrd.img-6.1.0-13-amd64"), "i");
        File.WriteAllText(_root.Physical("/boot/loader/loader.conf"), "default other.conf\ntimeout 9\neditor no\n");
        _root.Ok("switch", "--system", _root.AddSystem("v1"));

        var output = _root.Ok("boot-entries");

        Assert.Contains("qitech-1+3.conf", output);
        var entry = _root.ReadText("/boot/loader/entries/qitech-1+3.conf");
        Assert.Contains("linux /vmlinuz-6.1.0-13-amd64\n", entry);
        Assert.Contains("initrd /initrd.img-6.1.0-13-amd64\n", entry);
        Assert.Equal("default qitech-*\ntimeout 9\neditor no\n", _root.ReadText("/boot/loader/loader.conf"));
    }

    [Fact]
    public void A_systems_own_kernel_and_initrd_are_copied_to_the_boot_partition()
    {
        var v1 = _root.AddSystem("v1", topLevelFiles: new Dictionary<string, string> { ["kernel"] = "KERNEL-1", ["initrd"] = "INITRD-1" });
        _root.Ok("switch", "--system", v1);

        var entry = _root.ReadText("/boot/loader/entries/qitech-1+3.conf");

        var linux = entry.Split('\n').Single(l => l.StartsWith("linux ", StringComparison.Ordinal))["linux ".Length..];
        var initrd = entry.Split('\n').Single(l => l.StartsWith("initrd ", StringComparison.Ordinal))["initrd ".Length..];
        Assert.Equal("KERNEL-1", File.ReadAllText(_root.Physical("/boot" + linux)));
        Assert.Equal("INITRD-1", File.ReadAllText(_root.Physical("/boot" + initrd)));
    }

    [Fact]
    public void A_whole_os_entry_boots_its_init_on_the_machines_root_with_the_serial_console_last()
    {
        var v1 = _root.AddSystem("v1", kernelParams: "quiet",
            topLevelFiles: new Dictionary<string, string> { ["kernel"] = "K", ["initrd"] = "I", ["init"] = "#!/bin/sh\n" },
            etcLinks: new Dictionary<string, string> { ["systemd/system/default.target"] = "/usr/lib/systemd/system/graphical.target" });
        Directory.CreateDirectory(_root.Layout.StateDir);
        File.WriteAllText(_root.Layout.RootDeviceFile, "PARTUUID=0c7777b2-86e7-4cd2-a61b-ec0f6f56acab\n");
        _root.Ok("switch", "--system", v1);

        var entry = File.ReadAllText(new QiTech.Os.Activation.BootEntries(_root.Layout).FindEntry(new QiTech.Os.Generations.GenerationNumber(1))!);

        Assert.Contains($"options root=PARTUUID=0c7777b2-86e7-4cd2-a61b-ec0f6f56acab init={v1}/init systemd.unit=graphical.target quiet qitech.system={v1} "
            + "systemd.show_status=1 console=tty0 console=ttyS0,115200\n", entry);
    }

    [Fact]
    public void Entries_carry_systemd_boots_counter_which_a_rewrite_keeps_and_a_blessing_drops()
    {
        _root.Ok("switch", "--system", _root.AddSystem("v1"));
        var entries = new QiTech.Os.Activation.BootEntries(_root.Layout);
        var one = new QiTech.Os.Generations.GenerationNumber(1);

        var first = entries.CountDown(one);
        _root.Ok("switch", "--system", _root.AddSystem("v2"));
        var kept = entries.FindEntry(one);
        entries.Bless(one);

        Assert.Equal(new QiTech.Os.Activation.BootCounter(2, 1), first);
        Assert.EndsWith("/qitech-1+2-1.conf", kept);
        Assert.Equal(["qitech-1.conf", "qitech-2+3.conf"], Directory.GetFiles(entries.EntriesDir).Select(Path.GetFileName).Order());
        Assert.Null(entries.Counter(one));
        Assert.Null(entries.CountDown(one));
        Assert.Equal(2, entries.LoaderChoice()?.Value);
        _root.Ok("delete-generations", "1");
        Assert.Equal(["qitech-2+3.conf"], Directory.GetFiles(entries.EntriesDir).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("qitech-7.conf", 7, null, null)]
    [InlineData("qitech-7+3.conf", 7, 3, 0)]
    [InlineData("qitech-7+0-3.conf", 7, 0, 3)]
    public void Entry_names_parse_as_systemd_boot_writes_them(string name, int number, int? left, int? done)
    {
        Assert.True(QiTech.Os.Activation.BootCounter.TryParseFileName(name, out var n, out var counter));
        Assert.Equal((number, left, done), (n.Value, counter?.Left, counter?.Done));
        Assert.Equal(name, QiTech.Os.Activation.BootCounter.FileName(n, counter));
        Assert.False(QiTech.Os.Activation.BootCounter.TryParseFileName("qitech-7+x.conf", out _, out _));
    }

    [Fact]
    public void The_loader_order_puts_the_default_first_the_known_good_second_and_entries_without_tries_last()
    {
        var dir = _root.Physical("/boot/loader/entries");
        Directory.CreateDirectory(dir);
        void Entry(string file, string sortKey, int n) => File.WriteAllText($"{dir}/{file}", $"title t\nversion {n} v{n}\nsort-key {sortKey}\n");
        var ranking = new BootRanking(new GenerationNumber(4), new GenerationNumber(1), new HashSet<GenerationNumber> { new(3) });
        Entry("qitech-1.conf", ranking.SortKey(new GenerationNumber(1)), 1);
        Entry("qitech-2.conf", ranking.SortKey(new GenerationNumber(2)), 2);
        Entry("qitech-3.conf", ranking.SortKey(new GenerationNumber(3)), 3);
        Entry("qitech-4+0-3.conf", ranking.SortKey(new GenerationNumber(4)), 4);
        Entry("qitech-5+3.conf", ranking.SortKey(new GenerationNumber(5)), 5);
        var entries = new BootEntries(_root.Layout);

        // 4 is the default but has no tries left: the loader takes the known-good 1, not the newer 5.
        Assert.Equal([1, 5, 2, 3, 4], entries.LoaderOrder().Select(n => n.Value));
        Assert.Equal(1, entries.LoaderChoice()?.Value);
        Assert.Equal(5, entries.LoaderChoice(n => n.Value == 1)?.Value);

        Entry("qitech-4+0-3.conf", ranking.SortKey(new GenerationNumber(4)), 4);
        File.Move($"{dir}/qitech-4+0-3.conf", $"{dir}/qitech-4+1-2.conf");
        Assert.Equal(4, entries.LoaderChoice()?.Value);
    }
}
