namespace QiTech.Os.Tests.Vm;

/// <summary>
/// The original machine's settings as the running system shows them: kernel parameters, the
/// unit's exposure, NetworkManager leaving EtherCAT alone, remote access, dnsmasq and polkit, the
/// operator's session, device permissions and the closed UI port (OriginalParityTests checks
/// the files they come from).
/// </summary>
public static class VmOriginalMachine
{
    private const string Units = "systemctl --no-pager status qitech-control-server qitech-control-server-certificate; journalctl --no-pager -n 60 -u qitech-control-server -u qitech-control-server-certificate";

    /// <summary>The original machine's settings as the running system shows them (OriginalParityTests checks the files).</summary>
    public static async Task AssertAsync(QemuVm vm)
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
        var health = await vm.WaitUntilAsync("curl -ksf https://127.0.0.1:443/health", TimeSpan.FromMinutes(3), Units);
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
}
