using System.CommandLine;
using QiTech.Os.Activation;
using QiTech.Os.Config;
using QiTech.Os.Errors;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os switch|boot|test|dry-activate --system STOREPATH|--config FILE</c> and
/// <c>switch|boot --rollback</c>, with nixos-rebuild's meanings.
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
        var command = new Command(name, description) { system, config };
        var canRollback = mode is ActivationMode.Switch or ActivationMode.Boot;
        if (canRollback)
        {
            command.Options.Add(rollback);
        }
        command.SetAction(async (parse, cancel) =>
        {
            var systemText = parse.GetValue(system);
            var configFile = parse.GetValue(config);
            var wantsRollback = canRollback && parse.GetValue(rollback);
            if ((systemText != null ? 1 : 0) + (configFile != null ? 1 : 0) + (wantsRollback ? 1 : 0) != 1)
            {
                throw new BadInputException(canRollback
                    ? $"{name}: give exactly one of --system STOREPATH, --config FILE or --rollback"
                    : $"{name}: give exactly one of --system STOREPATH or --config FILE");
            }
            using var session = await SystemSession.OpenAsync(parse, cancel);
            var manager = session.Manager;
            if (configFile != null)
            {
                // Build first: a configuration error stops here, before anything changes.
                var built = await SystemBuilder.BuildAsync(configFile, ConfigOption.Version(configFile), session.Store,
                    new BuildLogProgress(session.Store.Layout.StoreDir), w => Console.Error.WriteLine("warning: " + w), cancel);
                systemText = session.Store.Render(built);
            }
            ActivationTarget target = wantsRollback ? new ActivationTarget.Rollback() : ActivationTarget.ParseStorePath(manager.Layout, systemText!);
            if (mode == ActivationMode.DryActivate)
            {
                foreach (var line in manager.PlanActivation(target).Describe())
                {
                    Console.Out.WriteLine(line);
                }
                return 0;
            }
            var result = await manager.ActivateAsync(mode, target, new Progress<string>(_ => { }), cancel);
            return Report(result, manager.Layout.StoreDir.Render(result.System), name);
        });
        return command;
    }

    private static int Report(ActivationResult result, string system, string verb)
    {
        var plan = result.Plan;
        if (result.Mode != ActivationMode.Boot)
        {
            var done = result.ServicesManaged;
            Line(done ? "stopped" : "to stop", plan.Stop);
            Line(done ? "restarted" : "to restart", plan.Restart);
            Line(done ? "started" : "to start", plan.Start);
            Line(done ? "left running" : "unchanged", plan.Unchanged);
        }
        Console.Out.WriteLine(result.Mode switch
        {
            ActivationMode.Switch => $"generation {result.Generation} ({system}) is current and the boot default",
            ActivationMode.Boot => $"generation {result.Generation} ({system}) is the boot default from the next boot",
            _ => $"{system} is current until the next boot; the boot default is unchanged",
        });
        if (!result.ServicesManaged && result.Mode != ActivationMode.Boot)
        {
            Console.Out.WriteLine("no service manager here (no systemd as init, no daemon): services start when qitech-osd boots this root");
        }
        if (result.Pruned.Count > 0)
        {
            Console.Out.WriteLine($"removed old generations by the retention setting: {string.Join(' ', result.Pruned)}");
        }
        foreach (var warning in result.Warnings)
        {
            Console.Error.WriteLine("warning: " + warning);
        }
        foreach (var failure in result.Failures)
        {
            Console.Error.WriteLine($"error: {failure.Unit} failed to {failure.Action}: {failure.Reason}");
            foreach (var line in failure.LastLogLines)
            {
                Console.Error.WriteLine("  | " + line);
            }
        }
        if (result.Failures.Count > 0)
        {
            Console.Error.WriteLine(result.Mode == ActivationMode.Switch
                ? "the previous generation is one 'qitech-os switch --rollback' away"
                : $"{verb} finished with failed units");
            return 1;
        }
        return 0;

        static void Line(string label, IReadOnlyList<string> units)
        {
            if (units.Count > 0)
            {
                Console.Out.WriteLine($"{label}: {string.Join(' ', units)}");
            }
        }
    }
}
