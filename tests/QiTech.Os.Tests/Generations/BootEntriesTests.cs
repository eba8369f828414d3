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
}
