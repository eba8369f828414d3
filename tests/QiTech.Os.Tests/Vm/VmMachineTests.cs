using System.Diagnostics;
using QiTech.Os.Tests.Support;

namespace QiTech.Os.Tests.Vm;

/// <summary>
/// One machine's life, in one sequence of boots so the whole suite fits a CI run under TCG
/// (a boot costs two to three minutes here): the image boots generation 1 under systemd and
/// the kiosk shows the UI; a USB stick's bundles install through the daemon's API, a
/// configuration change live and a new base (one more Debian package) for after a reboot;
/// <c>install --disk</c> copies the running system onto a blank disk; the boot menu runs
/// generation 1 once, then the new base by default; a generation that never gets healthy
/// is rolled back live; the plug is pulled during a switch; and the installed disk boots alone.
/// Each step asserts what it leaves, so a failure names the step it broke.
/// </summary>
[Collection("vm")]
public sealed class VmMachineTests(VmImageFixture images)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(15);
    private const string Cli = "/run/current-system/sw/bin/qitech-os";
    private const string ServerUnits = "systemctl --no-pager status qitech-osd qitech-control-server; journalctl --no-pager -n 60 -u qitech-osd -u qitech-control-server";
    private const string BootCheck = "systemctl --no-pager status qitech-boot-check systemd-bless-boot; journalctl --no-pager -n 40 -u qitech-boot-check -u systemd-bless-boot";

    /// <summary>A service that starts but never passes its check: the health wait lasts its whole deadline.</summary>
    private const string UnhealthyService = """
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
                deadlineSec: 30
        """;

    [SkippableFact]
    public async Task The_machine_boots_updates_live_and_after_a_reboot_rolls_back_survives_a_power_cut_and_installs_onto_a_disk()
    {
        var reason = VmRequirements.SkipReason(VmCase.Boot);
        Skip.If(reason != null, reason);
        var image = images.Get();
        var dir = Path.Combine(VmImageFixture.ArtifactsDir, "machine");
        var sequence = Stopwatch.StartNew();

        // The versions that come later, built on the host: a configuration change (generation 2),
        // the same on a base with one more Debian package (3), and an unhealthy one on that base.
        var clock = Stopwatch.StartNew();
        var second = VmSystems.Build(dir, "second", VmSystems.ConfigurationChange);
        var third = VmSystems.BuildWithNewBase(dir, "third", VmSystems.BaseWithAddedPackage, VmSystems.ConfigurationChange);
        var unhealthy = VmSystems.BuildWithNewBase(dir, "unhealthy", VmSystems.BaseWithAddedPackage, UnhealthyService);
        var stick = UsbBundles.MakeStick(dir,
            new("second", second, image.System, "Second version: a file in /etc and a server variable.\n"),
            new("third", third, second, $"Third version: adds {VmSystems.AddedPackage} to the base.\n"));
        var (transfer, import) = VmSystems.TransferDisk(dir, unhealthy, third);
        VmTimings.Record("later versions built on the host, bundles and transfer disk", clock.Elapsed);
        Assert.Equal(3, new[] { image.System, second, third }.Distinct().Count());
        var firstBase = BaseDeployment(image.System);
        var newBase = BaseDeployment(third);
        Assert.NotEqual(firstBase, newBase);
        Assert.Equal(newBase, BaseDeployment(unhealthy));

        // A disk 4 GiB larger than the image (the root grows to it at first boot), and a blank one to install onto.
        var disk = VmImageFixture.Overlay(image.Path, dir, "8G");
        var efiVars = Path.Combine(dir, "efivars.fd");
        File.Delete(efiVars);
        var target = Path.Combine(dir, "target.qcow2");
        File.Delete(target);
        var created = HostProgram.Run("/usr/bin/qemu-img", ["create", "-q", "-f", "qcow2", target, "6G"]);
        Assert.True(created.ExitCode == 0, created.Stderr);

        await using (var vm = await QemuVm.StartAsync(Path.Combine(dir, "1-image"), disk, efiVars, [target], [stick]))
        {
            clock.Restart();
            await vm.Agent.WaitReadyAsync(BootTimeout, () => vm.Tail());
            var health = await vm.WaitUntilAsync("curl -sf http://127.0.0.1:3001/health", BootTimeout, ServerUnits);
            VmTimings.Record("boot to /health (TCG)", clock.Elapsed);
            await vm.SaveBootAnalysisAsync();
            // The serial console follows the boot and offers a login (stage 2's line may have a kernel message in it).
            Assert.Contains("qitech-os stage 2: booting", vm.Serial, StringComparison.Ordinal);
            Assert.Contains("qitech login:", vm.Serial, StringComparison.Ordinal);
            await BootsGenerationOneUnderSystemdAsync(vm, image, health);

            clock.Restart();
            var screen = await vm.WaitForScreenTextAsync("Running version", TimeSpan.FromMinutes(8), "kiosk-home",
                "systemctl --no-pager status qitech-kiosk; journalctl --no-pager -n 40 -u qitech-kiosk");
            VmTimings.Record("kiosk on screen after /health (TCG)", clock.Elapsed);
            Assert.Contains("Services", screen, StringComparison.Ordinal);

            await VmOriginalMachine.AssertAsync(vm);
            await UpdatesFromTheStickAsync(vm, image, second, third);
            await InstallsOntoTheBlankDiskAsync(vm, second);

            var once = await vm.Agent.RunAsync($"{Cli} boot --generation 1 --once 2>&1");
            // The entry as its file is named now, boot counter and all (systemd-boot 252's identifier).
            Assert.Matches(@"bootctl set-oneshot qitech-1(\+\d+(-\d+)?)?\.conf", once);
            await vm.RebootAsync();
        }

        clock.Restart();
        // What this boot checks is stage 2's work (system, /etc, /usr) and unit files: no need to wait for start-up.
        await using (var vm = await QemuVm.BootAsync(Path.Combine(dir, "2-generation-1-once"), disk, efiVars, image.System, null, BootTimeout, untilStartedUp: false))
        {
            VmTimings.Record("reboot into the old generation, once (TCG, until the guest agent answers)", clock.Elapsed);
            await RunsAsync(vm, image.System, firstBase);
            Assert.NotEqual(0, (await vm.Agent.ExecAsync("test -e /etc/qitech-vm-test")).ExitCode);
            Assert.DoesNotContain("QITECH_VM_TEST", await vm.Agent.RunAsync("systemctl show -p Environment qitech-control-server"), StringComparison.Ordinal);
            Assert.NotEqual(0, (await vm.Agent.ExecAsync("command -v " + VmSystems.AddedPackage)).ExitCode);
            await vm.RebootAsync();
        }

        clock.Restart();
        await using (var vm = await QemuVm.BootAsync(Path.Combine(dir, "3-new-base"), disk, efiVars, third, [transfer], BootTimeout))
        {
            VmTimings.Record("reboot into the new base, the default again (TCG, until systemd is up)", clock.Elapsed);
            await RunsAsync(vm, third, newBase);
            Assert.Equal(0, (await vm.Agent.ExecAsync(VmSystems.AddedPackage + " --version")).ExitCode);
            Assert.Equal("generation 2\n", await vm.Agent.RunAsync("cat /etc/qitech-vm-test"));
            Assert.Equal("active\n", await vm.Agent.RunAsync("systemctl is-active qitech-control-server"));
            await vm.Agent.RunAsync(import, TimeSpan.FromMinutes(10));
            await RollsBackAnUnhealthySwitchLiveAsync(vm, third, unhealthy);

            // Again, and the plug is pulled while the daemon activates it.
            await vm.Agent.RunAsync("sync");
            await vm.Agent.SpawnAsync($"{Cli} switch --system {unhealthy} > /root/switch.log 2>&1");
            await vm.WaitUntilAsync("test -e /qitech/var/activation.json || readlink /run/current-system | grep -q " + Path.GetFileName(unhealthy), TimeSpan.FromMinutes(5));
            await vm.PowerCutAsync();
        }

        clock.Restart();
        await using (var vm = await QemuVm.StartAsync(Path.Combine(dir, "4-after-the-power-cut"), disk, efiVars, [transfer]))
        {
            await vm.Agent.WaitReadyAsync(BootTimeout, () => vm.Tail());
            await vm.Agent.RunAsync("systemctl is-system-running --wait || true", BootTimeout);
            VmTimings.Record("boot after the power cut (TCG, until systemd is up)", clock.Elapsed);
            await vm.SaveBootAnalysisAsync();
            var booted = (await vm.Agent.RunAsync("readlink /run/booted-system")).Trim();
            Assert.Contains(booted, new[] { third, unhealthy });
            Assert.Equal(booted + "/etc\n", await vm.Agent.RunAsync("readlink /etc/static"));
            Assert.Equal(booted == unhealthy ? "unhealthy\n" : "generation 2\n", await vm.Agent.RunAsync("cat /etc/qitech-vm-test"));
            // Whatever the daemon had left, it finishes at start; then the store checks out.
            await vm.WaitUntilAsync("test ! -e /qitech/var/activation.json", TimeSpan.FromMinutes(5));
            clock.Restart();
            var verify = await vm.Agent.ExecAsync($"{Cli} store verify --check-contents", TimeSpan.FromMinutes(20));
            VmTimings.Record("store verify --check-contents after the power cut (TCG)", clock.Elapsed);
            Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
            await vm.Agent.SpawnAsync("systemctl poweroff");
            await vm.WaitForExitAsync(TimeSpan.FromMinutes(5));
        }

        // The installed disk alone, fresh firmware variables: the firmware finds its boot loader.
        clock.Restart();
        var targetVars = Path.Combine(dir, "efivars-target.fd");
        File.Delete(targetVars);
        await using (var vm = await QemuVm.BootAsync(Path.Combine(dir, "5-installed-disk"), target, targetVars, second, null, BootTimeout, untilStartedUp: false))
        {
            VmTimings.Record("boot of the installed disk (TCG, until the guest agent answers)", clock.Elapsed);
            Assert.Equal(second + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
            Assert.Equal("/dev/vda2\n", await vm.Agent.RunAsync("findmnt -no SOURCE /"));
            await vm.WaitUntilAsync("curl -sf http://127.0.0.1:3001/health | grep -q '\"daemonReachable\":true'", TimeSpan.FromMinutes(8), ServerUnits);
            Assert.Matches(@"(?m)^\s*1\b", await vm.Agent.RunAsync($"{Cli} list-generations"));
        }
        VmTimings.Record("the machine's whole sequence, builds included (TCG)", sequence.Elapsed);
    }

    /// <summary>Generation 1 as the image booted it: its units under systemd, its /usr and /etc, the root grown, the daemon admitting the server's user, the boot blessed.</summary>
    private static async Task BootsGenerationOneUnderSystemdAsync(QemuVm vm, VmImageFixture.BuiltImage image, string health)
    {
        Assert.Contains(image.Version.Commit, health, StringComparison.Ordinal);
        Assert.Equal("active\nactive\n", await vm.Agent.RunAsync("systemctl is-active qitech-osd.service qitech-control-server.service"));
        Assert.Equal("1\n", await vm.Agent.RunAsync("cat /proc/1/comm | grep -c '^systemd$'"));
        await RunsAsync(vm, image.System, BaseDeployment(image.System));
        Assert.Contains("ro", (await vm.Agent.RunAsync("findmnt -no OPTIONS /usr")).Split(',', '\n'));
        // The kiosk's session (the browser) yields the CPU to the machine's services.
        Assert.Equal("CPUWeight=20\n", await vm.Agent.RunAsync("systemctl show -p CPUWeight user.slice"));
        var rootBytes = long.Parse((await vm.Agent.RunAsync("df -B1 --output=size / | tail -1")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(rootBytes > 7L << 30, $"the root file system has {rootBytes} bytes: it did not grow to the 8 GiB disk");
        // The server's user is admitted by the daemon (its group), through the socket itself.
        var status = await vm.Agent.RunAsync("runuser -u qitech-service -- curl -sf --unix-socket /run/qitech-os/daemon.sock http://qitech-osd/v1/status");
        Assert.Contains(image.System, status, StringComparison.Ordinal);
        // The daemon as machines run it (compiled ahead of time, no reflection) answers a refusal
        // with its problem document, which the CLI shows as one line.
        var refused = await vm.Agent.ExecAsync($"{Cli} delete-generations 1");
        Assert.True(refused.ExitCode == 2, refused.Stdout + refused.Stderr);
        Assert.StartsWith("error: refusing to delete generation 1: it is the", refused.Stderr, StringComparison.Ordinal);

        // Automatic boot assessment: the daemon's boot check passed, so boot-complete.target was
        // reached and systemd-bless-boot took the counter off generation 1's entry.
        await vm.WaitUntilAsync("systemctl is-active --quiet systemd-bless-boot.service", TimeSpan.FromMinutes(6), BootCheck);
        Assert.Equal("active\n", await vm.Agent.RunAsync("systemctl is-active qitech-boot-check.service"));
        Assert.Equal("qitech-1.conf\n", await vm.Agent.RunAsync("ls /boot/loader/entries"));
        Assert.Contains("sort-key qitech-0-default", await vm.Agent.RunAsync("cat /boot/loader/entries/qitech-1.conf"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The stick's two bundles through the daemon's API: the configuration change installs live
    /// (same boot, new /etc, the server restarted with its new variable); the new base becomes
    /// the boot default and says it runs after a reboot, its package not there yet.
    /// </summary>
    private static async Task UpdatesFromTheStickAsync(QemuVm vm, VmImageFixture.BuiltImage image, string second, string third)
    {
        var bootId = await vm.Agent.RunAsync("cat /proc/sys/kernel/random/boot_id");
        var bundles = await UsbBundles.ListAsync(vm, 2);
        Assert.True(bundles.Count == 2, bundles.ToJsonString());
        Assert.All(bundles, b => Assert.Null(b!["refusal"]?.GetValue<string>()));
        var secondBundle = UsbBundles.Named(bundles, "second");
        Assert.Equal(second, secondBundle["system"]!.GetValue<string>());
        Assert.Equal("qitech-vm-test-1", secondBundle["signer"]!.GetValue<string>());
        Assert.Contains("a file in /etc", secondBundle["changelog"]!.GetValue<string>(), StringComparison.Ordinal);
        var serverPid = (await vm.Agent.RunAsync("systemctl show -p MainPID --value qitech-control-server")).Trim();

        var clock = Stopwatch.StartNew();
        var live = await UsbBundles.InstallAsync(vm, secondBundle["file"]!.GetValue<string>());
        VmTimings.Record("USB bundle install, configuration only, live (TCG)", clock.Elapsed);
        Assert.True(live["state"]!.GetValue<string>() == "succeeded", live.ToJsonString());
        Assert.Equal("generation 2\n", await vm.Agent.RunAsync("cat /etc/qitech-vm-test"));
        Assert.Equal(second + "\n", await vm.Agent.RunAsync("readlink /run/current-system"));
        Assert.Equal(image.System + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
        Assert.Equal(bootId, await vm.Agent.RunAsync("cat /proc/sys/kernel/random/boot_id"));
        Assert.Equal("active\n", await vm.Agent.RunAsync("systemctl is-active qitech-control-server"));
        Assert.NotEqual(serverPid, (await vm.Agent.RunAsync("systemctl show -p MainPID --value qitech-control-server")).Trim());
        Assert.Contains("QITECH_VM_TEST=2", await vm.Agent.RunAsync("systemctl show -p Environment qitech-control-server"), StringComparison.Ordinal);

        const string Used = "sync; df -B1 --output=used / | tail -1";
        var usedBefore = long.Parse(await vm.Agent.RunAsync(Used), System.Globalization.CultureInfo.InvariantCulture);
        clock.Restart();
        var later = await UsbBundles.InstallAsync(vm, UsbBundles.Named(bundles, "third")["file"]!.GetValue<string>());
        VmTimings.Record("USB bundle install, new base, until it is the boot default (TCG)", clock.Elapsed);
        VmTimings.RecordBytes($"disk growth of the machine for the new base (+{VmSystems.AddedPackage}), store and deployment",
            long.Parse(await vm.Agent.RunAsync(Used), System.Globalization.CultureInfo.InvariantCulture) - usedBefore);
        Assert.True(later["state"]!.GetValue<string>() == "succeeded", later.ToJsonString());
        Assert.Contains("after a reboot", later["result"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.NotEqual(0, (await vm.Agent.ExecAsync("command -v " + VmSystems.AddedPackage)).ExitCode);
        Assert.Equal(third, (await UsbBundles.StatusAsync(vm))["bootDefault"]!["storePath"]!.GetValue<string>());
        Assert.Equal(second + "\n", await vm.Agent.RunAsync("readlink /run/current-system"));
        Assert.Equal(bootId, await vm.Agent.RunAsync("cat /proc/sys/kernel/random/boot_id"));
    }

    /// <summary>
    /// <c>install --disk</c>, as the original's nixos-setup.sh + nixos-install.sh: it refuses the
    /// disk it runs from and an unconfirmed wipe, then installs the running system onto the blank one.
    /// </summary>
    private static async Task InstallsOntoTheBlankDiskAsync(QemuVm vm, string running)
    {
        var own = await vm.Agent.ExecAsync($"{Cli} install --system /run/current-system --disk /dev/vda --yes");
        Assert.Equal(2, own.ExitCode);
        Assert.Contains("--disk /dev/vda is in use", own.Stderr, StringComparison.Ordinal);
        var unconfirmed = await vm.Agent.ExecAsync($"{Cli} install --system /run/current-system --disk /dev/vdb < /dev/null");
        Assert.Equal(2, unconfirmed.ExitCode);
        Assert.Contains("confirm with --yes", unconfirmed.Stderr, StringComparison.Ordinal);
        Assert.Equal("", await vm.Agent.RunAsync("lsblk -no PARTTYPE /dev/vdb | tr -d '\\n'"));

        var clock = Stopwatch.StartNew();
        var installed = await vm.Agent.ExecAsync($"{Cli} install --system /run/current-system --disk /dev/vdb --yes", TimeSpan.FromMinutes(40));
        VmTimings.Record("install --disk from the running machine (TCG)", clock.Elapsed);
        Assert.True(installed.ExitCode == 0, installed.Stdout + installed.Stderr);
        Assert.Contains($"installed {running} onto /dev/vdb", installed.Stdout, StringComparison.Ordinal);
        await vm.Agent.RunAsync("sync");
    }

    /// <summary>
    /// A switch to a generation whose service never gets healthy fails naming it, and in the same
    /// boot the one before is current again with its /etc and units; the failed one is listed as
    /// such and is not the boot default.
    /// </summary>
    private static async Task RollsBackAnUnhealthySwitchLiveAsync(QemuVm vm, string running, string unhealthy)
    {
        var clock = Stopwatch.StartNew();
        var switched = await vm.Agent.ExecAsync($"{Cli} switch --system {unhealthy}", TimeSpan.FromMinutes(10));
        VmTimings.Record("unhealthy switch to rolled back, deadline 30 s (TCG)", clock.Elapsed);
        var said = switched.Stdout + switched.Stderr;
        Assert.True(switched.ExitCode != 0, "the switch to an unhealthy generation succeeded:\n" + said);
        Assert.Contains("qitech-vm-unhealthy", said, StringComparison.Ordinal);
        Assert.Equal(running + "\n", await vm.Agent.RunAsync("readlink /run/current-system"));
        Assert.Equal(running + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
        Assert.Equal("generation 2\n", await vm.Agent.RunAsync("cat /etc/qitech-vm-test"));
        Assert.Equal("inactive\n", (await vm.Agent.ExecAsync("systemctl is-active qitech-vm-unhealthy.service")).Stdout);
        Assert.Equal("active\n", await vm.Agent.RunAsync("systemctl is-active qitech-control-server"));
        Assert.Matches(@"(?m)^\s*4\b.*failed", await vm.Agent.RunAsync($"{Cli} list-generations"));
        Assert.Equal(running, (await UsbBundles.StatusAsync(vm))["bootDefault"]!["storePath"]!.GetValue<string>());
    }

    /// <summary>The machine runs <paramref name="system"/>: booted by its entry, its /etc, its base's /usr.</summary>
    private static async Task RunsAsync(QemuVm vm, string system, string baseDeployment)
    {
        Assert.Equal(system + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
        var cmdline = await vm.Agent.RunAsync("cat /proc/cmdline");
        Assert.Contains($"init={system}/init", cmdline, StringComparison.Ordinal);
        Assert.Contains($"qitech.system={system}", cmdline, StringComparison.Ordinal);
        Assert.Equal(system + "/etc\n", await vm.Agent.RunAsync("readlink /etc/static"));
        Assert.EndsWith($"[{baseDeployment}/usr]\n", await vm.Agent.RunAsync("findmnt -no SOURCE /usr"), StringComparison.Ordinal);
    }

    /// <summary>Where the machine deploys <paramref name="system"/>'s base: /qitech/deploy/ and the base's hash.</summary>
    private static string BaseDeployment(string system)
    {
        var baseLink = new FileInfo(Path.Combine(VmSystems.StoreRoot + system, "base")).LinkTarget
            ?? throw new InvalidOperationException($"{system}/base is not a link to the base");
        return "/qitech/deploy/" + Path.GetFileName(baseLink).Split('-')[0];
    }
}
