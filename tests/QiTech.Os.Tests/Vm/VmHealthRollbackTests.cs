using System.Diagnostics;

namespace QiTech.Os.Tests.Vm;

/// <summary>
/// Health-gated activation on the booted machine under systemd: a switch to a generation whose
/// service never becomes healthy is rolled back live (no reboot) and the generation is listed
/// as failed; the plug pulled during the health wait of a second try leaves one whole
/// generation booting, and the store verifies clean.
/// </summary>
[Collection("vm")]
public sealed class VmHealthRollbackTests(VmImageFixture images)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(15);
    private const string Cli = "/run/current-system/sw/bin/qitech-os";

    [SkippableFact]
    public async Task An_unhealthy_switch_rolls_back_live_and_a_power_cut_in_the_health_wait_boots_one_whole_generation()
    {
        var reason = VmRequirements.SkipReason(VmCase.Long);
        Skip.If(reason != null, reason);
        var image = images.Get();
        var dir = Path.Combine(VmImageFixture.ArtifactsDir, "health-rollback");
        // Starts, but its check never passes: the health wait lasts its whole deadline.
        var setup = VmSystems.Prepare(image, dir, "unhealthy", """
            environment:
              etc:
                qitech-vm-test:
                  text: "unhealthy\n"
            systemd:
              services:
                qitech-vm-unhealthy:
                  wantedBy: [multi-user.target]
                  serviceConfig:
                    ExecStart: /bin/sleep infinity
                  healthCheck:
                    command: /bin/false
                    deadlineSec: 90
            """);

        await using (var vm = await QemuVm.BootAsync(dir, setup.Disk, setup.EfiVars, image.System, [setup.Transfer], BootTimeout))
        {
            await vm.Agent.RunAsync(setup.ImportCommand, TimeSpan.FromMinutes(10));
            var clock = Stopwatch.StartNew();
            var switched = await vm.Agent.ExecAsync($"{Cli} switch --system {setup.System}", TimeSpan.FromMinutes(10));
            VmTimings.Record("unhealthy switch to rolled back, deadline 90 s (TCG)", clock.Elapsed);
            var said = switched.Stdout + switched.Stderr;
            Assert.True(switched.ExitCode != 0, "the switch to an unhealthy generation succeeded:\n" + said);
            Assert.Contains("qitech-vm-unhealthy", said, StringComparison.Ordinal);

            // Live: the same boot, generation 1 current again, its /etc and its units.
            Assert.Equal(image.System + "\n", await vm.Agent.RunAsync("readlink /run/current-system"));
            Assert.Equal(image.System + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
            Assert.NotEqual(0, (await vm.Agent.ExecAsync("test -e /etc/qitech-vm-test")).ExitCode);
            Assert.Equal("inactive\n", (await vm.Agent.ExecAsync("systemctl is-active qitech-vm-unhealthy.service")).Stdout);
            Assert.Equal("active\n", await vm.Agent.RunAsync("systemctl is-active qitech-control-server"));
            var generations = await vm.Agent.RunAsync($"{Cli} list-generations");
            Assert.Matches(@"(?m)^\s*2\b.*failed", generations);
            Assert.DoesNotContain("unhealthy", await vm.Agent.RunAsync("cat /boot/loader/loader.conf; grep -l sort-key.qitech-0-default /boot/loader/entries/*"), StringComparison.Ordinal);

            // Again, and the plug is pulled while the daemon waits for the check.
            await vm.Agent.RunAsync("sync");
            await vm.Agent.SpawnAsync($"{Cli} switch --system {setup.System} > /root/switch.log 2>&1");
            // In the health wait: the new unit runs, the activation's journal is done, the switch still waits.
            await vm.WaitUntilAsync("systemctl is-active --quiet qitech-vm-unhealthy.service && test ! -e /qitech/var/activation.json && pgrep -f 'switch --syste[m]' >/dev/null",
                TimeSpan.FromMinutes(5));
            await vm.PowerCutAsync();
        }

        await using (var vm = await QemuVm.StartAsync(dir, setup.Disk, setup.EfiVars, [setup.Transfer]))
        {
            await vm.Agent.WaitReadyAsync(BootTimeout, () => vm.Tail());
            await vm.Agent.RunAsync("systemctl is-system-running --wait || true", BootTimeout);
            var booted = (await vm.Agent.RunAsync("readlink /run/booted-system")).Trim();
            Assert.Contains(booted, new[] { image.System, setup.System });
            Assert.Equal(booted + "/etc\n", await vm.Agent.RunAsync("readlink /etc/static"));
            Assert.Equal(booted == setup.System ? "unhealthy\n" : "", (await vm.Agent.ExecAsync("cat /etc/qitech-vm-test")).Stdout);
            // The daemon finishes what the cut left (the activation's journal), then the store checks out.
            await vm.WaitUntilAsync("test ! -e /qitech/var/activation.json", TimeSpan.FromMinutes(5));
            var verify = await vm.Agent.ExecAsync($"{Cli} store verify --check-contents", TimeSpan.FromMinutes(20));
            Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        }
    }
}
