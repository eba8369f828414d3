using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using QiTech.Control.Server.Tests.Support;
using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Platform;
using QiTech.Os.Services;

namespace QiTech.Control.Server.Tests.Demo;

/// <summary>
/// <c>qitech-os demo</c> as a developer runs it in a checkout: the real CLI starts the real
/// daemon in the background, sets the checkout as the update source, builds and switches to
/// the configuration, and waits for the real control server; a second run reuses the daemon;
/// <c>--stop</c> ends it. The configuration runs the server already built by this solution
/// (the sandboxed publish of the real one is what makes a first demo take minutes).
/// </summary>
public sealed class DemoCommandTests : IDisposable
{
    private readonly MachineRoot machine = new();
    private readonly MachineRepository checkout;
    private readonly int port = FreePort();

    public DemoCommandTests()
    {
        checkout = new MachineRepository(Path.Combine(machine.Dir, "checkout"));
        var launcher = Path.Combine(checkout.Path, "server", "bin", "qitech-control-server");
        Directory.CreateDirectory(Path.GetDirectoryName(launcher)!);
        File.WriteAllText(launcher, $"#!/bin/sh\nexec dotnet '{ChildProcess.BuiltDll("QiTech.Control.Server", "qitech-control-server")}' \"$@\"\n");
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        checkout.Release("v1.0.0", "system:\n  hostName: demo\n", ("configuration/demo.yaml", $"""
            system:
              hostName: demo
            networking:
              firewall:
                enable: false
            packages:
              qitech-control-server:
                path: ../server
            services:
              qitech:
                enable: true
                port: {port}
                openFirewall: false
                user: root
                group: root
                extraGroups: []
            """));
    }

    private string Root => machine.Root;

    [Fact]
    public async Task Demo_starts_the_daemon_installs_the_checkout_and_serves_the_ui_then_stop_ends_it()
    {
        try
        {
            var first = await RunAsync("--root", Root, "demo");

            Assert.True(first.ExitCode == 0, first.Output);
            Assert.Contains($"QiTech Control runs at http://127.0.0.1:{port}/", first.Stdout);
            Assert.Contains($"==> starting qitech-osd --root {Root} --embedded", first.Stderr);
            Assert.Contains("==> switching to it through qitech-osd", first.Stderr);
            using (var client = new DaemonClient(machine.Layout.DaemonSocket))
            {
                var status = await client.StatusAsync();
                Assert.Equal((1, checkout.CommitOf("v1.0.0")), (status.Current!.Number.Value, status.Current.Version.Commit));
                Assert.Equal(ServiceState.Running, status.Services.Single(s => s.Name == "qitech-control-server.service").State);
                Assert.Equal(checkout.Path, (await client.UpdateSourceAsync()).Url);
            }
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{port}/health")).StatusCode);
            var daemonPid = DaemonPid();
            Assert.NotNull(ProcessGroups.StartTime(daemonPid));

            var second = await RunAsync("--root", Root, "demo");

            Assert.True(second.ExitCode == 0, second.Output);
            Assert.Contains($"==> qitech-osd runs (pid {daemonPid}); reusing it", second.Stderr);
            Assert.Contains("==> generation 1 already runs this system", second.Stderr);
            Assert.Equal(daemonPid, DaemonPid());

            var stop = await RunAsync("--root", Root, "demo", "--stop");

            Assert.True(stop.ExitCode == 0, stop.Output);
            Assert.Contains($"stopped qitech-osd and its services ({Root})", stop.Stdout);
            Assert.Null(ProcessGroups.StartTime(daemonPid));
            Assert.Null(DaemonClient.TryConnect(machine.Layout));
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{port}/health"));
            Assert.Contains("no demo qitech-osd runs", (await RunAsync("--root", Root, "demo", "--stop")).Stdout);
        }
        finally
        {
            await RunAsync("--root", Root, "demo", "--stop");
        }
    }

    [Fact]
    public async Task A_missing_configuration_is_refused_before_anything_starts()
    {
        var result = await RunAsync("--root", Root, "demo", "--config", "configuration/nope.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: demo: configuration 'configuration/nope.yaml' not found in {checkout.Path}\n", result.Stderr);
        Assert.False(File.Exists(Path.Combine(Root, "run", "qitech-osd.pid")));
    }

    [Fact]
    public async Task Missing_programs_are_named_with_their_package_before_anything_starts()
    {
        // A PATH with dotnet and git only: bubblewrap, util-linux and gcc are "not installed".
        var bin = Path.Combine(machine.Dir, "bin");
        Directory.CreateDirectory(bin);
        foreach (var program in new[] { "dotnet", "git" })
        {
            var found = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, program)).First(File.Exists);
            File.CreateSymbolicLink(Path.Combine(bin, program), found);
        }

        var result = await RunWithPathAsync(bin, "--root", Root, "demo");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: demo: bwrap (it sandboxes the package builds), setsid (it starts the daemon and each service in its own session), gcc (it links the CLI compiled ahead of time) not found on PATH; "
            + "install with: apt-get install bubblewrap util-linux gcc libc6-dev zlib1g-dev\n", result.Stderr);
        Assert.False(Directory.Exists(Root) && Directory.EnumerateFileSystemEntries(Root).Any(), result.Output);
    }

    public void Dispose() => machine.Dispose();

    private int DaemonPid() => int.Parse(File.ReadAllText(Path.Combine(Root, "run", "qitech-osd.pid")).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
    }

    /// <summary>Runs the built CLI in the checkout, as <c>./qitech-os</c> would.</summary>
    private Task<Result> RunAsync(params string[] args) => RunWithPathAsync(null, args);

    private async Task<Result> RunWithPathAsync(string? path, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = checkout.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(ChildProcess.BuiltDll("qitech-os", "qitech-os"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        if (path != null)
        {
            start.Environment["PATH"] = path;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
