using System.Diagnostics;

namespace QiTech.Os.Tests.Vm;

/// <summary>
/// The disk image boots in qemu (OVMF, systemd-boot, the generation's kernel and stage-2
/// init) to systemd running the system's own units: qitech-osd and the control server.
/// </summary>
[Collection("vm")]
public sealed class VmBootTests(VmImageFixture images)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(15);

    [SkippableFact]
    public async Task The_image_boots_generation_1_and_runs_the_daemon_and_the_server_under_systemd()
    {
        var reason = VmRequirements.SkipReason(VmCase.Boot);
        Skip.If(reason != null, reason);
        var image = images.Get();
        var dir = Path.Combine(VmImageFixture.ArtifactsDir, "boot");
        // A disk 2 GiB larger than the image: the root grows to it at first boot.
        var disk = VmImageFixture.Overlay(image.Path, dir, "6G");
        var clock = Stopwatch.StartNew();
        await using var vm = await QemuVm.StartAsync(dir, disk, Path.Combine(dir, "efivars.fd"));

        await vm.WaitForSerialAsync("qitech-os stage 2: booting " + image.System, BootTimeout);
        await vm.Agent.WaitReadyAsync(BootTimeout, () => vm.Tail());
        var health = await WaitForHealthAsync(vm, BootTimeout);
        VmTimings.Record("boot to /health (TCG)", clock.Elapsed);

        Assert.Contains(image.Version.Commit, health, StringComparison.Ordinal);
        Assert.Equal("active\nactive\n", await vm.Agent.RunAsync("systemctl is-active qitech-osd.service qitech-control-server.service"));
        Assert.Equal("1\n", await vm.Agent.RunAsync("cat /proc/1/comm | grep -c '^systemd$'"));
        Assert.Equal(image.System + "\n", await vm.Agent.RunAsync("readlink /run/booted-system"));
        var cmdline = await vm.Agent.RunAsync("cat /proc/cmdline");
        Assert.Contains($"init={image.System}/init", cmdline, StringComparison.Ordinal);
        Assert.Contains("ro", (await vm.Agent.RunAsync("findmnt -no OPTIONS /usr")).Split(',', '\n'));
        Assert.Equal(image.System + "/etc\n", await vm.Agent.RunAsync("readlink /etc/static"));
        var rootBytes = long.Parse((await vm.Agent.RunAsync("df -B1 --output=size / | tail -1")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(rootBytes > 5L << 30, $"the root file system has {rootBytes} bytes: it did not grow to the 6 GiB disk");
        // The server's user is admitted by the daemon (its group), through the socket itself.
        var status = await vm.Agent.RunAsync("runuser -u qitech-service -- curl -sf --unix-socket /run/qitech-os/daemon.sock http://qitech-osd/v1/status");
        Assert.Contains(image.System, status, StringComparison.Ordinal);

        // Automatic boot assessment: the daemon's boot check passed, so boot-complete.target was
        // reached and systemd-bless-boot took the counter off generation 1's entry.
        await WaitForAsync(vm, "systemctl is-active --quiet systemd-bless-boot.service", TimeSpan.FromMinutes(6));
        Assert.Equal("active\n", await vm.Agent.RunAsync("systemctl is-active qitech-boot-check.service"));
        Assert.Equal("qitech-1.conf\n", await vm.Agent.RunAsync("ls /boot/loader/entries"));
        Assert.Contains("sort-key qitech-0-default", await vm.Agent.RunAsync("cat /boot/loader/entries/qitech-1.conf"), StringComparison.Ordinal);

        // The kiosk shows the Home page on the screen: read back by OCR from qemu's screendump.
        clock.Restart();
        var screen = await WaitForScreenTextAsync(vm, "Running version", TimeSpan.FromMinutes(8));
        VmTimings.Record("kiosk on screen after /health (TCG)", clock.Elapsed);
        Assert.Contains("Services", screen, StringComparison.Ordinal);

        await AssertTheOriginalMachineAsync(vm);
    }

    /// <summary>The original machine's settings as the running system shows them (OriginalParityTests checks the files).</summary>
    private static async Task AssertTheOriginalMachineAsync(QemuVm vm)
    {
        var cmdline = (await vm.Agent.RunAsync("cat /proc/cmdline")).Trim().Split(' ');
        foreach (var parameter in new[]
        {
            "preempt=full", "logo.nologo", "mitigations=off", "intel_pstate=performance", "transparent_hugepage=always", "nmi_watchdog=0",
            "pcie_aspm=off", "intel_iommu=off", "panic=10", "oops=panic", "usbcore.autosuspend=-1", "isolcpus=2,3", "nohz_full=2,3", "rcu_nocbs=2,3",
            "cpufreq.default_governor=performance",
        })
        {
            Assert.Contains(parameter, cmdline);
        }
        Assert.Equal("10\n1\n", await vm.Agent.RunAsync("sysctl -n kernel.panic kernel.panic_on_oops"));

        // Under TCG the guest usually has no frequency scaling: then the cpufreq unit's condition skips it.
        var governors = await vm.Agent.RunAsync("cat /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor 2>/dev/null | sort -u; true");
        if (governors.Length > 0)
        {
            Assert.Equal("performance\n", governors);
        }
        else
        {
            var condition = await vm.Agent.RunAsync("systemctl show -p ConditionResult --value cpufreq.service");
            Assert.Equal("no\n", condition);
        }

        // The unit's exposure score, for the record.
        var security = await vm.Agent.ExecAsync("systemd-analyze security --no-pager qitech-control-server.service");
        File.WriteAllText(Path.Combine(vm.Dir, "systemd-analyze-security.txt"), security.Stdout + security.Stderr);
        Assert.True(security.ExitCode == 0, security.Stderr);
        Assert.Contains("Overall exposure level for qitech-control-server.service", security.Stdout, StringComparison.Ordinal);

        // NetworkManager runs and leaves every Ethernet device (EtherCAT) alone.
        Assert.Equal("active\n", await vm.Agent.RunAsync("systemctl is-active NetworkManager.service"));
        var devices = (await vm.Agent.RunAsync("nmcli -t -f TYPE,STATE device")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(devices, d => d.StartsWith("ethernet:", StringComparison.Ordinal));
        Assert.All(devices.Where(d => d.StartsWith("ethernet:", StringComparison.Ordinal)), d => Assert.Equal("ethernet:unmanaged", d));

        // Remote access: HTTPS on 443 with the certificate made on the machine; a peer that is not
        // the kiosk must sign in, and no hash file means nobody can yet.
        var health = await WaitForAsync(vm, "curl -ksf https://127.0.0.1:443/health", TimeSpan.FromMinutes(3));
        Assert.Contains("\"daemonReachable\":true", health, StringComparison.Ordinal);
        Assert.Equal("0\n", (await vm.Agent.ExecAsync("test -s /var/lib/qitech-control-server/tls/cert.pem && test -s /var/lib/qitech-control-server/tls/key.pem; echo $?")).Stdout);
        Assert.Equal("401", await vm.Agent.RunAsync("runuser -u nobody -- curl -ks -o /dev/null -w '%{http_code}' https://127.0.0.1/api/status"));
        Assert.Contains("tcp dport { 22, 443 } accept", await vm.Agent.RunAsync("nft list table inet qitech-firewall"), StringComparison.Ordinal);

        // dnsmasq serves the machine network only when the server starts it (Debian enables it
        // on install; the base leaves it disabled). polkit: the server's user may start and stop
        // it, and no other unit.
        Assert.Equal("disabled\n", (await vm.Agent.ExecAsync("systemctl is-enabled dnsmasq.service")).Stdout);
        Assert.Equal("inactive\n", (await vm.Agent.ExecAsync("systemctl is-active dnsmasq.service")).Stdout);
        foreach (var verb in new[] { "start", "stop" })
        {
            var r = await vm.Agent.ExecAsync($"runuser -u qitech-service -- systemctl --no-ask-password {verb} dnsmasq.service");
            var why = r.ExitCode == 0 ? "" : (await vm.Agent.ExecAsync("systemctl --no-pager status dnsmasq.service; journalctl --no-pager -n 30 -u dnsmasq.service -u polkit.service")).Stdout;
            Assert.True(r.ExitCode == 0, $"the service user could not {verb} dnsmasq (exit {r.ExitCode}): {r.Stderr}\n{why}");
        }
        Assert.NotEqual(0, (await vm.Agent.ExecAsync("runuser -u qitech-service -- systemctl --no-ask-password restart cpufreq.service")).ExitCode);

        // The operator's session: the version variables and the locale; the power key does nothing.
        var kiosk = (await vm.Agent.RunAsync("systemctl show -p MainPID --value qitech-kiosk.service")).Trim();
        var environment = (await vm.Agent.RunAsync($"tr '\\0' '\\n' < /proc/{kiosk}/environ")).Split('\n');
        Assert.Contains("QITECH_OS=true", environment);
        Assert.Contains(environment, e => e.StartsWith("QITECH_OS_GIT_COMMIT=", StringComparison.Ordinal));
        Assert.Contains("HandlePowerKey=ignore", (await vm.Agent.RunAsync("systemd-analyze cat-config systemd/logind.conf")).Split('\n'));
        Assert.Equal("en_US.UTF-8\n", await vm.Agent.RunAsync(". /etc/default/locale; echo $LANG"));
        Assert.Equal("UTC\n", await vm.Agent.RunAsync("date +%Z"));

        // Devices: the FTDI adapter's USB node belongs to the service group, mode 0660.
        Assert.Equal("qitech-service 660\n", await vm.Agent.RunAsync(
            "for d in /sys/bus/usb/devices/*; do [ \"$(cat $d/idVendor 2>/dev/null)\" = 0403 ] && stat -c '%G %a' /dev/bus/usb/$(printf %03d $(cat $d/busnum))/$(printf %03d $(cat $d/devnum)); done; true"));

        // The UI's port is closed from outside: qemu forwards a host port to the guest's 3001, where
        // nothing listens but on the guest's loopback.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var outside = await Record.ExceptionAsync(() => http.GetStringAsync($"http://127.0.0.1:{vm.UiPort}/health"));
        Assert.True(outside is HttpRequestException or TaskCanceledException, $"port 3001 answered from outside the machine: {outside}");
    }

    /// <summary>Runs <paramref name="command"/> in the guest until it succeeds; its output.</summary>
    private static async Task<string> WaitForAsync(QemuVm vm, string command, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var r = await vm.Agent.ExecAsync(command);
            if (r.ExitCode == 0)
            {
                return r.Stdout;
            }
            if (DateTime.UtcNow > deadline)
            {
                var units = await vm.Agent.ExecAsync("systemctl --no-pager status qitech-control-server qitech-control-server-certificate qitech-boot-check systemd-bless-boot; journalctl --no-pager -n 60 -u qitech-control-server -u qitech-control-server-certificate -u qitech-boot-check -u systemd-bless-boot");
                throw new TimeoutException($"'{command}' did not succeed within {timeout}:\n{units.Stdout}{units.Stderr}");
            }
            await Task.Delay(3000);
        }
    }

    /// <summary>Takes screendumps (kept as PNG under the run's folder) until tesseract reads <paramref name="text"/> on one.</summary>
    private static async Task<string> WaitForScreenTextAsync(QemuVm vm, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var i = 0; ; i++)
        {
            var png = await vm.ScreendumpAsync("screen");
            var ocr = Support.HostProgram.Run("tesseract", [png, "stdout"]);
            if (ocr.StdoutText.Contains(text, StringComparison.Ordinal))
            {
                File.Copy(png, Path.Combine(vm.Dir, "kiosk-home.png"), overwrite: true);
                return ocr.StdoutText;
            }
            if (DateTime.UtcNow > deadline)
            {
                var kiosk = await vm.Agent.ExecAsync("systemctl --no-pager status qitech-kiosk; journalctl --no-pager -n 40 -u qitech-kiosk");
                throw new TimeoutException($"the screen did not show '{text}' within {timeout} (last screen: {png}, OCR: {ocr.StdoutText.Trim()}):\n{kiosk.Stdout}");
            }
            File.Delete(png);
            await Task.Delay(5000);
        }
    }

    /// <summary>Asks the control server's /health inside the guest until it answers 200.</summary>
    private static async Task<string> WaitForHealthAsync(QemuVm vm, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var r = await vm.Agent.ExecAsync("curl -sf http://127.0.0.1:3001/health");
            if (r.ExitCode == 0)
            {
                return r.Stdout;
            }
            if (DateTime.UtcNow > deadline)
            {
                var units = await vm.Agent.ExecAsync("systemctl --no-pager status qitech-osd qitech-control-server; journalctl --no-pager -n 60 -u qitech-osd -u qitech-control-server");
                throw new TimeoutException($"/health did not answer within {timeout}:\n{units.Stdout}{units.Stderr}");
            }
            await Task.Delay(3000);
        }
    }
}
