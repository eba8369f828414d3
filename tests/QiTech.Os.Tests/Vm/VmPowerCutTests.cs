namespace QiTech.Os.Tests.Vm;

/// <summary>
/// The plug pulled (qemu killed) while a switch runs on the machine: the next boot runs one
/// whole generation — the old or the new, /etc matching it — and the store verifies clean.
/// </summary>
[Collection("vm")]
public sealed class VmPowerCutTests(VmImageFixture images)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(15);

    [SkippableFact]
    public async Task A_power_cut_during_a_switch_boots_one_whole_generation_and_the_store_verifies()
    {
        var reason = VmRequirements.SkipReason(VmCase.Long);
        Skip.If(reason != null, reason);
        var image = images.Get();
        var dir = Path.Combine(VmImageFixture.ArtifactsDir, "power-cut");
        var setup = VmSystems.Prepare(image, dir, "second", VmSystems.ConfigurationChange);
        var (second, transfer, import, disk, efiVars) = (setup.System, setup.Transfer, setup.ImportCommand, setup.Disk, setup.EfiVars);

        await using (var vm = await QemuVm.StartAsync(dir, disk, efiVars, [transfer]))
        {
            await vm.Agent.WaitReadyAsync(BootTimeout, () => vm.Tail());
            await vm.Agent.RunAsync("systemctl is-system-running --wait || true", BootTimeout);
            await vm.Agent.RunAsync(import + " && sync", TimeSpan.FromMinutes(10));
            await vm.Agent.SpawnAsync($"/run/current-system/sw/bin/qitech-os switch --system {second} > /root/switch.log 2>&1");
            // Mid-switch: the daemon has taken the job and is restarting the server.
            await vm.WaitUntilAsync("test -e /qitech/var/activation.json || readlink /run/current-system | grep -q " + Path.GetFileName(second), TimeSpan.FromMinutes(5));
            await vm.PowerCutAsync();
        }

        await using (var vm = await QemuVm.StartAsync(dir, disk, efiVars, [transfer]))
        {
            await vm.Agent.WaitReadyAsync(BootTimeout, () => vm.Tail());
            await vm.Agent.RunAsync("systemctl is-system-running --wait || true", BootTimeout);
            var booted = (await vm.Agent.RunAsync("readlink /run/booted-system")).Trim();
            Assert.Contains(booted, new[] { image.System, second });
            Assert.Equal(booted + "/etc\n", await vm.Agent.RunAsync("readlink /etc/static"));
            Assert.Equal(booted == second ? 0 : 1, (await vm.Agent.ExecAsync("test -e /etc/qitech-vm-test")).ExitCode);
            // Whatever the daemon had left, it finishes at start; then the store checks out.
            await vm.WaitUntilAsync("test ! -e /qitech/var/activation.json", TimeSpan.FromMinutes(5));
            var verify = await vm.Agent.ExecAsync("/run/current-system/sw/bin/qitech-os store verify --check-contents", TimeSpan.FromMinutes(20));
            Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        }
    }
}
