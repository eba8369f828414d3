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

        var entry = _root.ReadText("/boot/loader/entries/qitech-1.conf");

        Assert.StartsWith("title QiTech Control OS, generation 1 (v1, ", entry);
        Assert.Contains("version 1 v1\n", entry);
        Assert.Contains($"options console=ttyS0 quiet qitech.system={v1}\n", entry);
        Assert.Contains("default qitech-2.conf", _root.ReadText("/boot/loader/loader.conf"));
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

        Assert.Contains("qitech-1.conf", output);
        var entry = _root.ReadText("/boot/loader/entries/qitech-1.conf");
        Assert.Contains("linux /vmlinuz-6.1.0-13-amd64\n", entry);
        Assert.Contains("initrd /initrd.img-6.1.0-13-amd64\n", entry);
        Assert.Equal("default qitech-1.conf\ntimeout 9\neditor no\n", _root.ReadText("/boot/loader/loader.conf"));
    }

    [Fact]
    public void A_systems_own_kernel_and_initrd_are_copied_to_the_boot_partition()
    {
        var v1 = _root.AddSystem("v1", topLevelFiles: new Dictionary<string, string> { ["kernel"] = "KERNEL-1", ["initrd"] = "INITRD-1" });
        _root.Ok("switch", "--system", v1);

        var entry = _root.ReadText("/boot/loader/entries/qitech-1.conf");

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

        var entry = _root.ReadText("/boot/loader/entries/qitech-1.conf");

        Assert.Contains($"options root=PARTUUID=0c7777b2-86e7-4cd2-a61b-ec0f6f56acab init={v1}/init systemd.unit=graphical.target quiet qitech.system={v1} "
            + "systemd.show_status=1 console=tty0 console=ttyS0,115200\n", entry);
    }
}
