using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace QiTech.Os.Tests.Vm;

/// <summary>
/// One run of qemu on a disk: OVMF under TCG (KVM stops at the firmware's first instruction
/// on these hosts), <c>-no-reboot</c> so a guest reboot ends the process and the test starts
/// the next boot itself, the serial console read all the time into <c>serial.log</c> (a full
/// buffer would stall the guest), the guest agent and the human monitor on sockets, and the
/// control server's port forwarded to the host's loopback. Files land in the run's folder
/// under artifacts/vm/.
/// </summary>
public sealed class QemuVm : IAsyncDisposable
{
    private readonly Process _qemu;
    private readonly StringBuilder _serial = new();
    private readonly Lock _gate = new();
    private readonly Task _drain;
    private readonly string _sockets;

    private QemuVm(Process qemu, string dir, string sockets, int uiPort, Task drain)
    {
        _qemu = qemu;
        Dir = dir;
        _sockets = sockets;
        UiPort = uiPort;
        _drain = drain;
        Agent = new GuestAgent(sockets + "/qga.sock");
    }

    /// <summary>The run's folder (serial.log, screendumps, qemu.log).</summary>
    public string Dir { get; }

    /// <summary>The host port (127.0.0.1) that reaches the guest's port 3001.</summary>
    public int UiPort { get; }

    public GuestAgent Agent { get; }

    public bool HasExited => _qemu.HasExited;

    public string Serial
    {
        get
        {
            lock (_gate)
            {
                return _serial.ToString();
            }
        }
    }

    /// <summary>
    /// Starts qemu on <paramref name="disk"/> (qcow2 or raw), keeping EFI variables in
    /// <paramref name="efiVars"/> (copied from OVMF's template when missing) so a one-shot
    /// boot choice survives the restart.
    /// </summary>
    /// <param name="usbSticks">Raw disk files plugged in as read-only USB mass storage (a stick on the xHCI bus).</param>
    public static async Task<QemuVm> StartAsync(string dir, string disk, string efiVars, IReadOnlyList<string>? extraDisks = null, IReadOnlyList<string>? usbSticks = null)
    {
        Directory.CreateDirectory(dir);
        if (!File.Exists(efiVars))
        {
            File.Copy(VmRequirements.OvmfVars, efiVars);
        }
        // Unix socket paths are short (108 bytes): they live under /tmp, the logs under artifacts.
        var sockets = Directory.CreateTempSubdirectory("qvm").FullName;
        var uiPort = FreePort();
        var args = new List<string>
        {
            "-machine", "q35", "-accel", "tcg,thread=multi", "-cpu", "max", "-smp", "2", "-m", "2048",
            "-no-reboot", "-nodefaults", "-display", "none", "-vga", "virtio",
            "-drive", $"if=pflash,format=raw,readonly=on,file={VmRequirements.OvmfCode}",
            "-drive", $"if=pflash,format=raw,file={efiVars}",
            "-drive", $"if=virtio,file={disk},format={(disk.EndsWith(".qcow2", StringComparison.Ordinal) ? "qcow2" : "raw")}",
            "-chardev", $"socket,id=serial0,path={sockets}/serial.sock,server=on,wait=on",
            "-serial", "chardev:serial0",
            "-chardev", $"socket,id=qga0,path={sockets}/qga.sock,server=on,wait=off",
            "-device", "virtio-serial", "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
            "-monitor", $"unix:{sockets}/monitor.sock,server=on,wait=off",
            "-netdev", $"user,id=net0,hostfwd=tcp:127.0.0.1:{uiPort}-:3001", "-device", "virtio-net-pci,netdev=net0",
            // A USB serial adapter as machines use for their devices: qemu's usb-serial is an FTDI (vendor 0403).
            // Without always-plugged it attaches only once its chardev is opened, which null never is.
            "-device", "qemu-xhci,id=xhci", "-chardev", "null,id=usbserial0", "-device", "usb-serial,bus=xhci.0,chardev=usbserial0,always-plugged=on",
        };
        foreach (var extra in extraDisks ?? [])
        {
            args.AddRange(["-drive", $"if=virtio,file={extra},format={(extra.EndsWith(".qcow2", StringComparison.Ordinal) ? "qcow2" : "raw")}"]);
        }
        foreach (var (stick, i) in (usbSticks ?? []).Select((s, i) => (s, i)))
        {
            args.AddRange(["-drive", $"if=none,id=stick{i},file={stick},format=raw,readonly=on", "-device", $"usb-storage,bus=xhci.0,drive=stick{i},removable=on"]);
        }
        var info = new ProcessStartInfo("/usr/bin/qemu-system-x86_64") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var qemu = Process.Start(info)!;
        var qemuLog = new StreamWriter(Path.Combine(dir, "qemu.log"), append: true) { AutoFlush = true };
        qemu.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (qemuLog) { qemuLog.WriteLine(e.Data); } } };
        qemu.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (qemuLog) { qemuLog.WriteLine(e.Data); } } };
        qemu.BeginOutputReadLine();
        qemu.BeginErrorReadLine();
        // wait=on: qemu waits for the serial reader before the guest runs, so no line is lost.
        var serial = await ConnectWithRetryAsync(sockets + "/serial.sock", qemu);
        var vm = (QemuVm?)null;
        var drain = Task.Run(async () =>
        {
            using var stream = new NetworkStream(serial, ownsSocket: true);
            await using var file = new FileStream(Path.Combine(dir, "serial.log"), FileMode.Append);
            var buffer = new byte[8192];
            while (true)
            {
                int n;
                try
                {
                    n = await stream.ReadAsync(buffer);
                }
                catch (IOException)
                {
                    break;
                }
                if (n == 0)
                {
                    break;
                }
                await file.WriteAsync(buffer.AsMemory(0, n));
                await file.FlushAsync();
                var text = Encoding.UTF8.GetString(buffer, 0, n);
                while (vm == null)
                {
                    await Task.Delay(10);
                }
                lock (vm._gate)
                {
                    vm._serial.Append(text);
                }
            }
        });
        vm = new QemuVm(qemu, dir, sockets, uiPort, drain);
        return vm;
    }

    /// <summary>
    /// Starts the machine and waits until the guest agent answers, checks it booted
    /// <paramref name="expectedSystem"/>, and waits for systemd to finish starting up.
    /// </summary>
    /// <param name="untilStartedUp">
    /// Also wait for systemd's start-up to finish (under TCG some two minutes after the agent
    /// answers, most of it the boot's health check); a step that checks only what stage 2 set
    /// up, or waits for what it needs itself, need not.
    /// </param>
    public static async Task<QemuVm> BootAsync(string dir, string disk, string efiVars, string expectedSystem, IReadOnlyList<string>? extraDisks, TimeSpan timeout,
        IReadOnlyList<string>? usbSticks = null, bool untilStartedUp = true)
    {
        var vm = await StartAsync(dir, disk, efiVars, extraDisks, usbSticks);
        try
        {
            // Which system booted is asked of the machine, not read off the console, where a kernel
            // message may land in the middle of stage 2's line.
            await vm.Agent.WaitReadyAsync(timeout, () => vm.Tail());
            var booted = (await vm.Agent.RunAsync("readlink /run/booted-system")).Trim();
            if (booted != expectedSystem)
            {
                throw new InvalidOperationException($"the machine booted {booted}, not {expectedSystem}; last lines:\n{vm.Tail()}");
            }
            if (untilStartedUp)
            {
                await vm.Agent.RunAsync("systemctl is-system-running --wait || true", timeout);
                await vm.SaveBootAnalysisAsync();
            }
            return vm;
        }
        catch
        {
            await vm.DisposeAsync();
            throw;
        }
    }

    /// <summary>Where this boot's time went, as systemd saw it (<c>analyze.txt</c> beside serial.log).</summary>
    public async Task SaveBootAnalysisAsync()
    {
        var analysis = await Agent.ExecAsync("systemd-analyze; systemd-analyze blame --no-pager | head -20; systemd-analyze critical-chain --no-pager");
        await File.WriteAllTextAsync(Path.Combine(Dir, "analyze.txt"), analysis.Stdout + analysis.Stderr);
    }

    /// <summary>Reboots the guest and waits for qemu to end (-no-reboot): the caller boots it again.</summary>
    public async Task RebootAsync()
    {
        await Agent.SpawnAsync("systemctl reboot");
        await WaitForExitAsync(TimeSpan.FromMinutes(5));
    }

    /// <summary>Runs <paramref name="condition"/> in the guest until it exits 0; what it printed then.</summary>
    /// <param name="diagnostics">A guest command whose output the timeout's message carries.</param>
    public async Task<string> WaitUntilAsync(string condition, TimeSpan timeout, string? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var r = await Agent.ExecAsync(condition);
            if (r.ExitCode == 0)
            {
                return r.Stdout;
            }
            if (DateTime.UtcNow > deadline)
            {
                var shown = diagnostics == null ? null : await Agent.ExecAsync(diagnostics);
                throw new TimeoutException($"in the guest, '{condition}' did not hold within {timeout}{(shown == null ? "" : ":\n" + shown.Stdout + shown.Stderr)}");
            }
            await Task.Delay(1000);
        }
    }

    /// <summary>Takes screendumps (kept as PNG in the run's folder) until tesseract reads <paramref name="text"/> on one; the text read.</summary>
    /// <param name="keepAs">The name the matching screen is kept under.</param>
    public async Task<string> WaitForScreenTextAsync(string text, TimeSpan timeout, string keepAs, string diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var png = await ScreendumpAsync("screen");
            var ocr = Support.HostProgram.Run("tesseract", [png, "stdout"]);
            if (ocr.StdoutText.Contains(text, StringComparison.Ordinal))
            {
                File.Copy(png, Path.Combine(Dir, keepAs + ".png"), overwrite: true);
                return ocr.StdoutText;
            }
            if (DateTime.UtcNow > deadline)
            {
                var shown = await Agent.ExecAsync(diagnostics);
                throw new TimeoutException($"the screen did not show '{text}' within {timeout} (last screen: {png}, OCR: {ocr.StdoutText.Trim()}):\n{shown.Stdout}");
            }
            File.Delete(png);
            await Task.Delay(5000);
        }
    }

    /// <summary>Waits for qemu to end (a reboot or power-off in the guest, with -no-reboot).</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _qemu.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"qemu did not end within {timeout}; last lines:\n{Tail()}");
        }
        await _drain.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>The screen as a PNG under the run's folder (qemu writes PPM; ImageMagick-free conversion by qemu's own png format).</summary>
    public async Task<string> ScreendumpAsync(string name)
    {
        var file = Path.Combine(Path.GetFullPath(Dir), name + ".png");
        await MonitorAsync($"screendump {file} -f png");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!File.Exists(file) || new FileInfo(file).Length == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"qemu wrote no screendump to {file}");
            }
            await Task.Delay(200);
        }
        await Task.Delay(500);
        return file;
    }

    /// <summary>One human-monitor command; returns what qemu printed.</summary>
    public async Task<string> MonitorAsync(string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_sockets + "/monitor.sock"));
        using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\n"));
        var output = new StringBuilder();
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            while (!output.ToString().Contains(command, StringComparison.Ordinal) || !output.ToString().TrimEnd().EndsWith("(qemu)", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer, cancel.Token);
                if (n == 0)
                {
                    break;
                }
                output.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
        }
        return output.ToString();
    }

    /// <summary>Pulls the plug: qemu is killed, as a power cut.</summary>
    public async Task PowerCutAsync()
    {
        if (!_qemu.HasExited)
        {
            _qemu.Kill();
            await _qemu.WaitForExitAsync();
        }
    }

    public string Tail(int lines = 40) =>
        string.Join('\n', Serial.Split('\n').TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        await PowerCutAsync();
        try
        {
            await _drain.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }
        _qemu.Dispose();
        Directory.Delete(_sockets, recursive: true);
    }

    private static async Task<Socket> ConnectWithRetryAsync(string path, Process qemu)
    {
        for (var i = 0; ; i++)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
                return socket;
            }
            catch (SocketException) when (i < 200 && !qemu.HasExited)
            {
                socket.Dispose();
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
