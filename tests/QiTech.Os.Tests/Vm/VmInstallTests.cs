namespace QiTech.Os.Tests.Vm;

/// <summary>
/// <c>qitech-os install --disk</c> from inside the running machine onto a blank second disk,
/// as the original's nixos-setup.sh + nixos-install.sh: it refuses the disk it runs from and an
/// unconfirmed wipe, installs the running system, and that disk alone then boots it under UEFI
/// with fresh firmware variables.
/// </summary>
[Collection("vm")]
public sealed class VmInstallTests(VmImageFixture images)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(15);
    private const string Cli = "/run/current-system/sw/bin/qitech-os";

    [SkippableFact]
    public async Task Install_onto_a_blank_second_disk_from_the_running_machine_and_boot_that_disk()
    {
        var reason = VmRequirements.SkipReason(VmCase.Long);
        Skip.If(reason != null, reason);
        var image = images.Get();
        var dir = Path.Combine(VmImageFixture.ArtifactsDir, "install");
        var disk = VmImageFixture.Overlay(image.Path, dir);
        var efiVars = Path.Combine(dir, "efivars.fd");
        File.Delete(efiVars);
        var target = Path.Combine(dir, "target.qcow2");
        File.Delete(target);
        var created = Support.HostProgram.Run("/usr/bin/qemu-img", ["create", "-q", "-f", "qcow2", target, "6G"]);
        Assert.True(created.ExitCode == 0, created.Stderr);

        await using (var vm = await QemuVm.BootAsync(dir, disk, efiVars, image.System, [target], BootTimeout))
        {
            // The disk it runs from is in use; a wipe nobody confirmed is not done.
            var own = await vm.Agent.ExecAsync($"{Cli} install --system /run/current-system --disk /dev/vda --yes");
            Assert.Equal(2, own.ExitCode);
            Assert.Contains("--disk /dev/vda is in use", own.Stderr, StringComparison.Ordinal);
            var unconfirmed = await vm.Agent.ExecAsync($"{Cli} install --system /run/current-system --disk /dev/vdb < /dev/null");
            Assert.Equal(2, unconfirmed.ExitCode);
            Assert.Contains("confirm with --yes", unconfirmed.Stderr, StringComparison.Ordinal);
            Assert.Equal("", await vm.Agent.RunAsync("lsblk -no PARTTYPE /dev/vdb | tr -d '\\n'"));

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var installed = await vm.Agent.ExecAsync($"{Cli} install --system /run/current-system --disk /dev/vdb --yes", TimeSpan.FromMinutes(40));
            VmTimings.Record("install --disk from the running machine (TCG)", clock.Elapsed);
            Assert.True(installed.ExitCode == 0, installed.Stdout + installed.Stderr);
            Assert.Contains($"installed {image.System} onto /dev/vdb", installed.Stdout, StringComparison.Ordinal);
            await vm.Agent.RunAsync("sync");
            await vm.Agent.SpawnAsync("systemctl poweroff");
            await vm.WaitForExitAsync(TimeSpan.FromMinutes(5));
        }

        // The installed disk alone, fresh firmware variables: the firmware finds its boot loader.
        var targetVars = Path.Combine(dir, "efivars-target.fd");
        File.Delete(targetVars);
        await using (var vm = await QemuVm.BootAsync(dir, target, targetVars, image.System, null, BootTimeout))
        {
            Assert.Equal(image.System + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
            Assert.Equal("/dev/vda2\n", await vm.Agent.RunAsync("findmnt -no SOURCE /"));
            await vm.WaitUntilAsync("curl -sf http://127.0.0.1:3001/health | grep -q '\"daemonReachable\":true'", TimeSpan.FromMinutes(8));
            Assert.Matches(@"(?m)^\s*1\b", await vm.Agent.RunAsync($"{Cli} list-generations"));
        }
    }
}
