using System.CommandLine;
using QiTech.Os.Activation;
using QiTech.Os.Cli.Operations;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Generations;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os switch|boot|test|dry-activate --system STOREPATH|--config FILE|--generation N</c>,
/// <c>switch|boot --rollback</c> and <c>boot --generation N --once</c>, with nixos-rebuild's
/// meanings, through <see cref="ISystemOperations"/>: when the daemon runs, it activates (its
/// services follow the switch); this process only builds a configuration first.
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
            using var operations = SystemOperations.Open(parse);
            if (wantsOnce)
            {
                PrintOnce(await operations.BootOnceAsync(number!.Value, cancel));
                return 0;
            }
            // Build first: a configuration error stops here, before anything changes. The built
            // system stays rooted until the activation has made it a generation.
            using var built = configFile != null ? await operations.BuildAsync(configFile, cancel) : null;
            ActivationTarget target = wantsRollback ? new ActivationTarget.Rollback()
                : number is { } g ? new ActivationTarget.Generation(g)
                : built != null ? new ActivationTarget.Path(built.Path)
                : ActivationTarget.ParseStorePath(GlobalOptions.Layout(parse), systemText!);
            if (mode == ActivationMode.DryActivate)
            {
                foreach (var line in (await operations.PlanAsync(target, cancel)).Lines)
                {
                    Console.Out.WriteLine(line);
                }
                return 0;
            }
            var result = await operations.ActivateAsync(mode, target, rollBack, cancel);
            return ActivationSummary.Print(result, operations.StoreDir, name);
        });
        return command;
    }

    private static void PrintOnce(OneShotBootJson boot)
    {
        Console.Out.WriteLine($"generation {boot.Generation} boots once at the next boot; then the boot default{(boot.BootDefault is { } d ? $" (generation {d})" : "")} again");
        Console.Out.WriteLine(boot.BootLoader);
    }
}
