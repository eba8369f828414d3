using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Vm;

/// <summary>
/// Updates as the operator's Update page makes them, through the daemon's API on the booted
/// machine: a USB stick with two signed bundles is plugged in; the machine mounts it by itself
/// and lists both; the first (a configuration-only change) installs live, without a reboot; the
/// second adds a Debian package, so its base differs: it becomes the boot default and says it
/// runs after a reboot, and after the reboot the package is there and the new generation booted.
/// </summary>
[Collection("vm")]
public sealed class VmUsbUpdateTests(VmImageFixture images)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(15);

    /// <summary>The third version's base adds this (small, no dependencies beyond libc) Debian package.</summary>
    private const string AddedPackage = "tree";

    private const string Socket = "--unix-socket /run/qitech-os/daemon.sock http://qitech-osd";

    [SkippableFact]
    public async Task Bundles_on_a_usb_stick_install_through_the_daemon_api_live_and_after_a_reboot_for_a_new_base()
    {
        var reason = VmRequirements.SkipReason(VmCase.Long);
        Skip.If(reason != null, reason);
        var image = images.Get();
        var dir = Path.Combine(VmImageFixture.ArtifactsDir, "usb-update");
        var second = VmSystems.Build(dir, "second", VmSystems.ConfigurationChange);
        var third = VmSystems.BuildWithNewBase(dir, "third", VmSystems.ConfigurationChange + $"""

            system:
              base:
                packages: [{AddedPackage}]
            """);
        var stick = MakeStick(dir, ("second", second, image.System), ("third", third, second));
        var disk = VmImageFixture.Overlay(image.Path, dir, "8G");
        var efiVars = Path.Combine(dir, "efivars.fd");
        File.Delete(efiVars);

        await using (var vm = await QemuVm.BootAsync(dir, disk, efiVars, image.System, [], BootTimeout, [stick]))
        {
            var bootId = await vm.Agent.RunAsync("cat /proc/sys/kernel/random/boot_id");
            var bundles = await ListBundlesAsync(vm);
            Assert.True(bundles.Count == 2, bundles.ToJsonString());
            Assert.All(bundles, b => Assert.Null(b!["refusal"]?.GetValue<string>()));
            var secondBundle = bundles.Single(b => b!["file"]!.GetValue<string>().EndsWith("/second.qitech-bundle", StringComparison.Ordinal))!;
            Assert.Equal(second, secondBundle["system"]!.GetValue<string>());
            Assert.Equal("qitech-vm-test-1", secondBundle["signer"]!.GetValue<string>());
            Assert.Contains("a file in /etc", secondBundle["changelog"]!.GetValue<string>(), StringComparison.Ordinal);

            var clock = Stopwatch.StartNew();
            var live = await InstallAsync(vm, secondBundle["file"]!.GetValue<string>());
            VmTimings.Record("USB bundle install, configuration only, live (TCG)", clock.Elapsed);
            Assert.True(live["state"]!.GetValue<string>() == "succeeded", live.ToJsonString());
            Assert.Equal("generation 2\n", await vm.Agent.RunAsync("cat /etc/qitech-vm-test"));
            Assert.Equal(second + "\n", await vm.Agent.RunAsync("readlink /run/current-system"));
            Assert.Equal(image.System + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
            Assert.Equal(bootId, await vm.Agent.RunAsync("cat /proc/sys/kernel/random/boot_id"));
            Assert.Equal("active\n", await vm.Agent.RunAsync("systemctl is-active qitech-control-server"));

            var thirdFile = (await ListBundlesAsync(vm)).Single(b => b!["file"]!.GetValue<string>().EndsWith("/third.qitech-bundle", StringComparison.Ordinal))!["file"]!.GetValue<string>();
            clock.Restart();
            var later = await InstallAsync(vm, thirdFile);
            VmTimings.Record("USB bundle install, new base, until it is the boot default (TCG)", clock.Elapsed);
            Assert.True(later["state"]!.GetValue<string>() == "succeeded", later.ToJsonString());
            Assert.Contains("after a reboot", later["result"]!.ToJsonString(), StringComparison.Ordinal);
            Assert.NotEqual(0, (await vm.Agent.ExecAsync("command -v " + AddedPackage)).ExitCode);
            var status = JsonNode.Parse(await vm.Agent.RunAsync($"curl -sf {Socket}/v1/status"))!;
            Assert.Equal(third, status["bootDefault"]!["storePath"]!.GetValue<string>());
            Assert.Equal(bootId, await vm.Agent.RunAsync("cat /proc/sys/kernel/random/boot_id"));
            await vm.RebootAsync();
        }

        var reboot = Stopwatch.StartNew();
        await using (var vm = await QemuVm.BootAsync(dir, disk, efiVars, third, [], BootTimeout, [stick]))
        {
            VmTimings.Record("reboot into the new base (TCG, to the guest agent)", reboot.Elapsed);
            Assert.Equal(third + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
            Assert.Contains("qitech.system=" + third, await vm.Agent.RunAsync("cat /proc/cmdline"), StringComparison.Ordinal);
            Assert.Equal(0, (await vm.Agent.ExecAsync(AddedPackage + " --version")).ExitCode);
            Assert.Equal("generation 2\n", await vm.Agent.RunAsync("cat /etc/qitech-vm-test"));
            Assert.Equal("active\n", await vm.Agent.RunAsync("systemctl is-active qitech-control-server"));
        }
    }

    /// <summary>
    /// A raw ext4 disk holding one signed bundle per (name, system, since), each with its own
    /// changelog, made without a mount (<c>mkfs.ext4 -d</c>).
    /// </summary>
    private static string MakeStick(string dir, params (string Name, string System, string Since)[] bundles)
    {
        var content = Path.Combine(dir, "stick");
        if (Directory.Exists(content))
        {
            Directory.Delete(content, recursive: true);
        }
        Directory.CreateDirectory(content);
        foreach (var (name, system, since) in bundles)
        {
            var changelog = Path.Combine(dir, name + "-changelog.txt");
            File.WriteAllText(changelog, name == "second" ? "Second version: a file in /etc and a server variable.\n" : $"Third version: adds {AddedPackage} to the base.\n");
            var made = OurCli.RunLong(TimeSpan.FromMinutes(30), "--root", VmSystems.StoreRoot, "bundle", "create", system, "--since", since,
                "--secret-key-file", VmImageFixture.BundleSecretKey, "--changelog", changelog, "--out", Path.Combine(content, name + ".qitech-bundle"));
            Assert.True(made.ExitCode == 0, made.Stderr);
        }
        var stick = Path.Combine(dir, "stick.img");
        var bytes = Directory.GetFiles(content).Sum(f => new FileInfo(f).Length);
        using (var file = new FileStream(stick, FileMode.Create))
        {
            file.SetLength(bytes + bytes / 10 + (64L << 20));
        }
        var mkfs = HostProgram.Run("/usr/sbin/mkfs.ext4", ["-q", "-F", "-L", "QITECH-USB", "-d", content, stick]);
        Assert.True(mkfs.ExitCode == 0, mkfs.Stderr);
        return stick;
    }

    /// <summary>The daemon's bundle list, once the machine has mounted the stick (udev and systemd-mount do it, not the test).</summary>
    private static async Task<JsonArray> ListBundlesAsync(QemuVm vm)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var list = JsonNode.Parse(await vm.Agent.RunAsync($"curl -sf {Socket}/v1/update/bundles"))!.AsArray();
            if (list.Count > 0 || DateTime.UtcNow > deadline)
            {
                return list;
            }
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>Asks the daemon to install a listed bundle (switch) and follows the job to its end.</summary>
    private static async Task<JsonNode> InstallAsync(QemuVm vm, string file)
    {
        var body = JsonSerializer.Serialize(new { file, mode = "switch" });
        Assert.DoesNotContain("'", body, StringComparison.Ordinal);
        var started = JsonNode.Parse(await vm.Agent.RunAsync(
            $"curl -sf -X POST -H 'Content-Type: application/json' --data '{body}' {Socket}/v1/update/bundles/install"))!;
        var id = started["jobId"]!.GetValue<long>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(40);
        while (true)
        {
            var job = JsonNode.Parse(await vm.Agent.RunAsync($"curl -sf {Socket}/v1/jobs/{id}"))!;
            if (job["state"]!.GetValue<string>() != "running")
            {
                return job;
            }
            Assert.True(DateTime.UtcNow < deadline, "the install job is still running: " + job.ToJsonString());
            await Task.Delay(TimeSpan.FromSeconds(5));
        }
    }
}
