using System.CommandLine;
using QiTech.Os.Activation;
using QiTech.Os.Cli.Demo;
using QiTech.Os.Client;
using QiTech.Os.Config;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Jobs;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os demo [--stop] [--config FILE]</c>: the whole system on this machine in a folder
/// root (<c>./demo-root</c>): qitech-osd in the background as init, this repository as the
/// update source, the working tree's configuration built and switched to through the daemon,
/// then the control server's URL once it answers.
/// </summary>
public static class DemoCommand
{
    public const string DefaultConfig = "configuration/demo.yaml";
    public const string DefaultRootName = "demo-root";

    public static Command Create()
    {
        var stop = new Option<bool>("--stop") { Description = "Stop the demo's qitech-osd and its services" };
        var config = new Option<string>("--config")
        {
            Description = "Configuration to install, relative to the repository (default: " + DefaultConfig + ")",
            DefaultValueFactory = _ => DefaultConfig,
        };
        var command = new Command("demo", "Run QiTech Control from this checkout in ./" + DefaultRootName + " and print the UI's URL") { stop, config };
        command.SetAction(async (parse, cancel) =>
        {
            var repository = Repository(Environment.CurrentDirectory);
            var layout = SystemLayout.FromOptions(parse.GetValue(GlobalOptions.Root) ?? Path.Combine(repository, DefaultRootName), parse.GetValue(GlobalOptions.StoreDir));
            var daemon = new DemoDaemon(layout, DaemonDll());
            if (parse.GetValue(stop))
            {
                Console.Out.WriteLine(daemon.Stop(TimeSpan.FromSeconds(60))
                    ? $"stopped qitech-osd and its services ({layout.Root})"
                    : $"no demo qitech-osd runs for {layout.Root}");
                return 0;
            }
            return await RunAsync(repository, layout, daemon, parse.GetValue(config)!, cancel);
        });
        return command;
    }

    private static async Task<int> RunAsync(string repository, SystemLayout layout, DemoDaemon daemon, string configName, CancellationToken cancel)
    {
        DemoPrerequisites.Ensure(Environment.GetEnvironmentVariable("PATH"));
        var configFile = Path.GetFullPath(Path.Combine(repository, configName));
        if (!File.Exists(configFile))
        {
            throw new BadInputException($"demo: configuration '{configName}' not found in {repository}");
        }
        Directory.CreateDirectory(layout.Root);
        Step($"root {layout.Root}");

        using var client = await EnsureDaemonAsync(layout, daemon, cancel);

        Step($"update source: {repository}");
        await client.SetUpdateSourceAsync(repository, cancel);

        Step($"building {configName} from the working tree (the first build may take minutes)");
        StorePath system;
        string physicalSystem;
        using (var store = LocalStore.Open(layout))
        {
            var built = await SystemBuilder.BuildAsync(configFile, ConfigOption.Version(configFile, cancel), store,
                new BuildLogProgress(layout.StoreDir), w => Detail("warning: " + w), cancel);
            system = built;
            physicalSystem = store.PhysicalPath(built);
        }
        Detail(layout.StoreDir.Render(system));
        var server = DemoServer.Of(physicalSystem);
        if (server != null)
        {
            // The unit's WorkingDirectory; systemd would create StateDirectory=, the folder root has none.
            Directory.CreateDirectory(layout.Physical("/var/lib/" + server.StateDirectory));
        }

        var status = await client.StatusAsync(cancel);
        if (status.CurrentSystem == system)
        {
            Step($"generation {status.Current?.Number} already runs this system");
        }
        else
        {
            // A restarted daemon first waits for its boot's health checks (job "boot-check").
            foreach (var booting in (await client.JobsAsync(cancel)).Where(j => j is { Kind: JobKind.BootCheck, IsRunning: true }))
            {
                Step($"waiting for the boot's health checks (job {booting.Id})");
                await client.WaitForJobAsync(booting.Id, Detail, cancel);
            }
            Step("switching to it through qitech-osd (it waits for the health checks)");
            var jobId = await client.ActivateAsync(ActivationMode.Switch, system, null, cancel);
            var job = await client.WaitForJobAsync(jobId, Detail, cancel);
            if (!job.Succeeded)
            {
                Console.Error.WriteLine($"error: the switch {DaemonJson.WireName(job.State)}: {job.Error}");
                Console.Error.WriteLine($"daemon log: {daemon.LogFile}; stop with: ./qitech-os demo --stop");
                return 1;
            }
            var now = await client.StatusAsync(cancel);
            Detail($"generation {now.Current?.Number} is current");
        }

        if (server == null)
        {
            Console.Out.WriteLine($"{configName} runs no control server (services.qitech.enable is false); services: ./qitech-os --root {layout.Root} status");
            return 0;
        }
        Step($"waiting for the control server at {server.Url}health");
        await server.WaitUntilHealthyAsync(client, TimeSpan.FromMinutes(3), cancel);
        Console.Out.WriteLine($"QiTech Control runs at {server.Url}");
        Console.Out.WriteLine("stop it with: ./qitech-os demo --stop");
        return 0;
    }

    private static async Task<DaemonClient> EnsureDaemonAsync(SystemLayout layout, DemoDaemon daemon, CancellationToken cancel)
    {
        if (daemon.RunningPid() is { } pid)
        {
            if (!daemon.IsOutdated() && DaemonClient.TryConnect(layout) is { } running)
            {
                Step($"qitech-osd runs (pid {pid}); reusing it");
                return running;
            }
            Step($"restarting qitech-osd (pid {pid}): {(daemon.IsOutdated() ? "it was rebuilt since it started" : "it does not answer")}");
            daemon.Stop(TimeSpan.FromSeconds(60));
        }
        else if (DaemonClient.TryConnect(layout) is { } foreign)
        {
            Step("a qitech-osd this command did not start answers on the root's socket; using it");
            return foreign;
        }
        Step($"starting qitech-osd --root {layout.Root} --embedded (log: {daemon.LogFile})");
        return await daemon.StartAsync(cancel);
    }

    /// <summary>The top of the git checkout holding <paramref name="folder"/>: what the demo installs from.</summary>
    private static string Repository(string folder)
    {
        var dir = new DirectoryInfo(folder);
        while (dir != null && !Path.Exists(Path.Combine(dir.FullName, ".git")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new BadInputException($"demo: {folder} is not inside a git checkout (the demo installs from one)");
    }

    /// <summary>
    /// qitech-osd's build output (artifacts/bin/qitech-osd/&lt;configuration&gt;/) in the artifacts
    /// folder this CLI runs from: its build (artifacts/bin/qitech-os/&lt;configuration&gt;/) or its
    /// NativeAOT publish (artifacts/publish/qitech-os/&lt;configuration&gt;_&lt;runtime&gt;/).
    /// </summary>
    private static string DaemonDll()
    {
        var here = AppContext.BaseDirectory.TrimEnd('/');
        var configuration = Path.GetFileName(here).Split('_')[0];
        return Path.GetFullPath(Path.Combine(here, "..", "..", "..", "bin", "qitech-osd", configuration, "qitech-osd.dll"));
    }

    private static void Step(string text) => Console.Error.WriteLine("==> " + text);

    private static void Detail(string text) => Console.Error.WriteLine("    " + text);
}
