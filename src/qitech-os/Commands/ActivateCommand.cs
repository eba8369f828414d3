using System.CommandLine;
using QiTech.Os.Activation;
using QiTech.Os.Client;
using QiTech.Os.Config;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Generations;
using QiTech.Os.Nix;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os switch|boot|test|dry-activate --system STOREPATH|--config FILE|--generation N</c>,
/// <c>switch|boot --rollback</c> and <c>boot --generation N --once</c>, with nixos-rebuild's
/// meanings. When the daemon runs, it activates (its services follow the switch); this
/// process only builds a configuration first.
/// </summary>
public static class ActivateCommand
{
    public static Command Switch() => Create(ActivationMode.Switch, "switch", "Add a generation, activate it now and make it the boot default");

    public static Command Boot() => Create(ActivationMode.Boot, "boot", "Add a generation and make it the boot default; it runs from the next boot");

    public static Command Test() => Create(ActivationMode.Test, "test", "Activate a system now without adding a generation (a reboot returns)");

    public static Command DryActivate() => Create(ActivationMode.DryActivate, "dry-activate", "Print what activating a system would do; change nothing");

    private static Command Create(ActivationMode mode, string name, string description)
    {
        var system = new Option<string?>("--system") { Description = "The system closure's store path (/qitech/store/<hash>-<name>)" };
        var rollback = new Option<bool>("--rollback") { Description = "Go back to the generation before the boot default" };
        var config = new Option<string?>("--config") { Description = "Build this configuration file (YAML) first and use the system it gives" };
        var generation = new Option<string?>("--generation") { Description = "An existing generation, activated without adding one (as nix-env --switch-generation)" };
        var once = new Option<bool>("--once") { Description = "With --generation: boot it at the next boot only, then the boot default again" };
        var noRollback = new Option<bool>("--no-rollback")
        {
            Description = "Keep a version that fails its health checks running, to debug it (the boot default still goes back)",
        };
        var command = new Command(name, description) { system, config, generation };
        var activatesNow = mode is ActivationMode.Switch or ActivationMode.Test;
        if (activatesNow)
        {
            command.Options.Add(noRollback);
        }
        var canRollback = mode is ActivationMode.Switch or ActivationMode.Boot;
        if (canRollback)
        {
            command.Options.Add(rollback);
        }
        if (mode == ActivationMode.Boot)
        {
            command.Options.Add(once);
        }
        command.SetAction(async (parse, cancel) =>
        {
            var systemText = parse.GetValue(system);
            var configFile = parse.GetValue(config);
            var generationText = parse.GetValue(generation);
            var wantsRollback = canRollback && parse.GetValue(rollback);
            var wantsOnce = mode == ActivationMode.Boot && parse.GetValue(once);
            var rollBack = !(activatesNow && parse.GetValue(noRollback));
            if ((systemText != null ? 1 : 0) + (configFile != null ? 1 : 0) + (generationText != null ? 1 : 0) + (wantsRollback ? 1 : 0) != 1)
            {
                throw new BadInputException(canRollback
                    ? $"{name}: give exactly one of --system STOREPATH, --config FILE, --generation N or --rollback"
                    : $"{name}: give exactly one of --system STOREPATH, --config FILE or --generation N");
            }
            GenerationNumber? number = generationText == null ? null
                : GenerationNumber.TryParse(generationText, out var n, out var error) ? n
                : throw new BadInputException($"--generation '{generationText}' {error.Describe()}");
            if (wantsOnce && number == null)
            {
                throw new BadInputException($"{name}: --once needs --generation N (an existing generation)");
            }
            var layout = GlobalOptions.Layout(parse);
            using var daemon = mode == ActivationMode.DryActivate ? null : DaemonClient.TryConnect(layout);
            if (daemon != null)
            {
                StorePath? built = null;
                if (configFile != null)
                {
                    // Building only adds store paths; the daemon activates what was built.
                    using var store = LocalStore.Open(layout);
                    built = await BuildAsync(configFile, store, cancel);
                }
                var storePath = built ?? (systemText != null ? ActivationTarget.ParseStorePath(layout, systemText).System : null);
                return await ViaDaemonAsync(daemon, mode, name, storePath, number, wantsRollback, wantsOnce, rollBack, cancel);
            }
            using var session = await SystemSession.OpenAsync(parse, cancel);
            var manager = session.Manager;
            if (wantsOnce)
            {
                var loader = await manager.SetNextBootAsync(number!.Value, cancel);
                PrintOnce(new OneShotBootJson(number.Value, manager.State().BootDefault, loader));
                return 0;
            }
            // The built system is unrooted until its generation exists: no collection in between.
            using var unrooted = configFile != null ? session.Store.HoldOffGarbageCollection() : null;
            ActivationTarget target = wantsRollback ? new ActivationTarget.Rollback()
                : number is { } g ? new ActivationTarget.Generation(g)
                // Build first: a configuration error stops here, before anything changes.
                : configFile != null ? new ActivationTarget.Path(await BuildAsync(configFile, session.Store, cancel))
                : ActivationTarget.ParseStorePath(manager.Layout, systemText!);
            if (mode == ActivationMode.DryActivate)
            {
                foreach (var line in manager.PlanActivation(target).Describe())
                {
                    Console.Out.WriteLine(line);
                }
                return 0;
            }
            var result = await manager.ActivateAsync(mode, target, new Progress<string>(_ => { }), cancel, new ActivationOptions(rollBack, new TerminalSteps()));
            return ActivationSummary.Print(ActivationJson.From(result), manager.Layout.StoreDir, name);
        });
        return command;
    }

    private static Task<StorePath> BuildAsync(string configFile, LocalStore store, CancellationToken cancel) =>
        SystemBuilder.BuildAsync(configFile, ConfigOption.Version(configFile, cancel), store,
            new BuildLogProgress(store.Layout.StoreDir), w => Console.Error.WriteLine("warning: " + w), cancel);

    private static async Task<int> ViaDaemonAsync(
        DaemonClient daemon, ActivationMode mode, string name, StorePath? storePath, GenerationNumber? number, bool rollback, bool once, bool rollBackOnFailure, CancellationToken cancel)
    {
        var jobId = once ? await daemon.BootOnceAsync(number!.Value, cancel)
            : rollback ? await daemon.RollbackAsync(mode, cancel)
            : await daemon.ActivateAsync(mode, number == null ? storePath : null, number, cancel, noRollback: !rollBackOnFailure);
        var job = await DaemonJobFollower.FollowAsync(daemon, jobId, cancel) ?? throw new OperationCanceledException(cancel);
        if (once)
        {
            if (job.Succeeded && daemon.Json.BootOnce(job) is { } boot)
            {
                PrintOnce(boot);
            }
            return ExitCode(job, failureShown: false);
        }
        var activation = daemon.Json.Activation(job);
        var code = activation == null ? 0 : ActivationSummary.Print(activation, daemon.Json.StoreDir, name);
        return Math.Max(code, ExitCode(job, failureShown: activation is { Failures.Count: > 0 } or { Rollback: not null }));
    }

    /// <summary>0 when the job succeeded; else 1, with its one-line cause unless the summary showed it.</summary>
    private static int ExitCode(JobJson job, bool failureShown)
    {
        if (job.Succeeded)
        {
            return 0;
        }
        if (!failureShown)
        {
            Console.Error.WriteLine("error: " + (job.Error ?? $"job {job.Id} {DaemonJson.WireName(job.State)}"));
        }
        return job.ExitCode is > 0 and var code ? code : 1;
    }

    private static void PrintOnce(OneShotBootJson boot)
    {
        Console.Out.WriteLine($"generation {boot.Generation} boots once at the next boot; then the boot default{(boot.BootDefault is { } d ? $" (generation {d})" : "")} again");
        Console.Out.WriteLine(boot.BootLoader);
    }
}
