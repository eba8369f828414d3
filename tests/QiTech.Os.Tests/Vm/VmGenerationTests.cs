using System.Diagnostics;

namespace QiTech.Os.Tests.Vm;

/// <summary>
/// Generations on the booted machine: a configuration-only change switches live through
/// qitech-osd and systemd; <c>boot --generation 1 --once</c> and a reboot run generation 1
/// (its /etc, its units), and the reboot after that returns to the default.
/// </summary>
[Collection("vm")]
public sealed class VmGenerationTests(VmImageFixture images)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(15);

    [SkippableFact]
    public async Task A_configuration_change_switches_live_and_the_boot_menu_runs_the_old_generation_once()
    {
        var reason = VmRequirements.SkipReason(VmCase.Long);
        Skip.If(reason != null, reason);
        var image = images.Get();
        var dir = Path.Combine(VmImageFixture.ArtifactsDir, "generations");
        var setup = VmSystems.Prepare(image, dir, "second", VmSystems.ConfigurationChange);
        var (second, transfer, import, disk, efiVars) = (setup.System, setup.Transfer, setup.ImportCommand, setup.Disk, setup.EfiVars);
        Assert.NotEqual(image.System, second);

        await using (var vm = await BootAsync(dir, disk, efiVars, image.System, transfer))
        {
            Assert.Equal("", (await vm.Agent.ExecAsync("cat /etc/qitech-vm-test")).Stdout);
            var serverPid = (await vm.Agent.RunAsync("systemctl show -p MainPID --value qitech-control-server")).Trim();
            await vm.Agent.RunAsync(import, TimeSpan.FromMinutes(10));
            var clock = Stopwatch.StartNew();
            var switched = await vm.Agent.ExecAsync($"/run/current-system/sw/bin/qitech-os switch --system {second}", TimeSpan.FromMinutes(10));
            VmTimings.Record("live switch, configuration only (TCG)", clock.Elapsed);
            Assert.True(switched.ExitCode == 0, switched.Stdout + switched.Stderr);

            Assert.Equal("generation 2\n", await vm.Agent.RunAsync("cat /etc/qitech-vm-test"));
            Assert.Equal(second + "\n", await vm.Agent.RunAsync("readlink /run/current-system"));
            Assert.Equal(image.System + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
            Assert.NotEqual(serverPid, (await vm.Agent.RunAsync("systemctl show -p MainPID --value qitech-control-server")).Trim());
            Assert.Equal("active\n", await vm.Agent.RunAsync("systemctl is-active qitech-control-server"));

            var once = await vm.Agent.RunAsync("/run/current-system/sw/bin/qitech-os boot --generation 1 --once 2>&1");
            // The entry as its file is named now, boot counter and all (systemd-boot 252's identifier).
            Assert.Matches(@"bootctl set-oneshot qitech-1(\+\d+(-\d+)?)?\.conf", once);
            clock.Restart();
            await vm.RebootAsync();
        }

        var reboot = Stopwatch.StartNew();
        await using (var vm = await BootAsync(dir, disk, efiVars, image.System, transfer))
        {
            VmTimings.Record("reboot into the old generation (TCG, to the guest agent)", reboot.Elapsed);
            Assert.Equal(image.System + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
            Assert.Equal(image.System + "/etc\n", await vm.Agent.RunAsync("readlink /etc/static"));
            Assert.NotEqual(0, (await vm.Agent.ExecAsync("test -e /etc/qitech-vm-test")).ExitCode);
            Assert.DoesNotContain("QITECH_VM_TEST", await vm.Agent.RunAsync("systemctl show -p Environment qitech-control-server"), StringComparison.Ordinal);
            await vm.RebootAsync();
        }

        await using (var vm = await BootAsync(dir, disk, efiVars, second, transfer))
        {
            Assert.Equal(second + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
            Assert.Equal("generation 2\n", await vm.Agent.RunAsync("cat /etc/qitech-vm-test"));
        }
    }

    private static Task<QemuVm> BootAsync(string dir, string disk, string efiVars, string expected, string transfer) =>
        QemuVm.BootAsync(dir, disk, efiVars, expected, [transfer], BootTimeout);
}
