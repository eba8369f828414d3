namespace QiTech.Os.Tests.Vm;

/// <summary>
/// Automatic boot assessment on the booted machine: a generation whose boot never becomes
/// healthy is not blessed, counts down over three boots, is then passed over by systemd-boot
/// for the last known-good generation, and the daemon makes that the boot default again.
/// </summary>
[Collection("vm")]
public sealed class VmBootCountingTests(VmImageFixture images)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(15);

    [SkippableFact]
    public async Task A_generation_that_fails_three_boots_is_passed_over_and_the_known_good_one_is_the_default_again()
    {
        var reason = VmRequirements.SkipReason(VmCase.Long);
        Skip.If(reason != null, reason);
        var image = images.Get();
        var dir = Path.Combine(VmImageFixture.ArtifactsDir, "boot-counting");
        // Boots fine, but a service of it never passes its health check.
        var setup = VmSystems.Prepare(image, dir, "broken", """
            systemd:
              services:
                qitech-vm-broken:
                  wantedBy: [multi-user.target]
                  serviceConfig:
                    ExecStart: /bin/sleep infinity
                  healthCheck:
                    command: /bin/false
                    deadlineSec: 15
            """);
        const string Cli = "/run/current-system/sw/bin/qitech-os";
        const string Diagnostics = "ls /boot/loader/entries; systemctl --no-pager status qitech-boot-check systemd-bless-boot; journalctl -b --no-pager -n 40 -u qitech-osd -u qitech-boot-check";

        await using (var vm = await QemuVm.BootAsync(dir, setup.Disk, setup.EfiVars, image.System, [setup.Transfer], BootTimeout))
        {
            await vm.WaitUntilAsync("systemctl is-active --quiet systemd-bless-boot.service", TimeSpan.FromMinutes(6), Diagnostics);
            await vm.Agent.RunAsync(setup.ImportCommand, TimeSpan.FromMinutes(10));
            var boot = await vm.Agent.ExecAsync($"{Cli} boot --system {setup.System}", TimeSpan.FromMinutes(5));
            Assert.True(boot.ExitCode == 0, boot.Stdout + boot.Stderr);
            Assert.Equal("qitech-1.conf\nqitech-2+3.conf\n", await vm.Agent.RunAsync("ls /boot/loader/entries"));
            await vm.RebootAsync();
        }

        for (var tries = 1; tries <= 3; tries++)
        {
            await using var vm = await QemuVm.BootAsync(dir, setup.Disk, setup.EfiVars, setup.System, [setup.Transfer], BootTimeout);
            await vm.WaitUntilAsync("systemctl is-failed --quiet qitech-boot-check.service", TimeSpan.FromMinutes(8), Diagnostics);
            // Not blessed: the loader's count stays on the entry's name.
            Assert.Equal($"qitech-1.conf\nqitech-2+{3 - tries}-{tries}.conf\n", await vm.Agent.RunAsync("ls /boot/loader/entries"));
            Assert.Equal("inactive\n", (await vm.Agent.ExecAsync("systemctl is-active systemd-bless-boot.service")).Stdout);
            await vm.RebootAsync();
        }

        await using (var vm = await QemuVm.BootAsync(dir, setup.Disk, setup.EfiVars, image.System, [setup.Transfer], BootTimeout))
        {
            Assert.Equal(image.System + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
            var status = await vm.Agent.RunAsync($"{Cli} status");
            Assert.Contains("this boot fell back from generation 2 to generation 1: generation 2 did not become healthy in 3 boots", status, StringComparison.Ordinal);
            Assert.Contains("sort-key qitech-0-default", await vm.Agent.RunAsync("cat /boot/loader/entries/qitech-1.conf"), StringComparison.Ordinal);
            Assert.Contains("sort-key qitech-3-failed", await vm.Agent.RunAsync("cat /boot/loader/entries/qitech-2+0-3.conf"), StringComparison.Ordinal);
            // Generation 1's entry is blessed already, so nothing pulls boot-complete.target; the
            // check runs anyway (multi-user.target wants it) and gives this boot's verdict.
            await vm.WaitUntilAsync("systemctl is-active --quiet qitech-boot-check.service", TimeSpan.FromMinutes(6), Diagnostics);
        }
    }
}
