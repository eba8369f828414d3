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
        var reason = VmRequirements.SkipReason();
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

        // The kiosk shows the Home page on the screen: read back by OCR from qemu's screendump.
        clock.Restart();
        var screen = await WaitForScreenTextAsync(vm, "Running version", TimeSpan.FromMinutes(8));
        VmTimings.Record("kiosk on screen after /health (TCG)", clock.Elapsed);
        Assert.Contains("Services", screen, StringComparison.Ordinal);
    }

    /// <summary>Takes screendumps (kept as PNG under the run's folder) until tesseract reads <paramref name="text"/> on one.</summary>
    private static async Task<string> WaitForScreenTextAsync(QemuVm vm, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var i = 0; ; i++)
        {
            var png = await vm.ScreendumpAsync("screen");
            var ocr = Support.ProcessRunner.Run("tesseract", [png, "stdout"]);
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
