using System.CommandLine;
using QiTech.Os.Activation;
using QiTech.Os.Cli.Operations;
using QiTech.Os.Contract;
using QiTech.Os.Errors;
using QiTech.Os.Nix;
using QiTech.Os.Sources;
using QiTech.Os.Updates;

namespace QiTech.Os.Cli.Commands;

/// <summary>
/// <c>qitech-os update install REF [--switch|--boot|--test]</c>: fetch REF, build its
/// system and activate it, printing each step as it starts, through <see cref="ISystemOperations"/>:
/// when qitech-osd runs, it does the work as an update job that this command follows (and
/// cancels when interrupted); otherwise the command works directly.
/// </summary>
public static class UpdateInstallCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("REF") { Description = "Tag, branch or commit to install" };
        var switchNow = new Option<bool>("--switch") { Description = "Activate now and make it the boot default (the default)" };
        var boot = new Option<bool>("--boot") { Description = "Make it the boot default; activate at the next boot" };
        var test = new Option<bool>("--test") { Description = "Activate now without a generation; a reboot returns" };
        var configFile = new Option<string?>("--config-file")
        {
            Description = "Configuration file in the commit, relative to its root (default: the running configuration's system.update.configFile, else machine.yaml, else configuration/machine.yaml)",
        };
        var noRollback = new Option<bool>("--no-rollback")
        {
            Description = "Keep a version that fails its health checks running, to debug it (the boot default still goes back)",
        };
        var command = new Command("install", "Fetch REF, build its system and activate it") { reference, switchNow, boot, test, configFile, noRollback };
        command.SetAction(async (parse, cancel) =>
        {
            var chosen = new[] { (parse.GetValue(switchNow), ActivationMode.Switch), (parse.GetValue(boot), ActivationMode.Boot), (parse.GetValue(test), ActivationMode.Test) }
                .Where(m => m.Item1).Select(m => m.Item2).ToList();
            if (chosen.Count > 1)
            {
                throw new BadInputException("update install: give at most one of --switch, --boot, --test");
            }
            var name = GitRefName.ParseInput(parse.GetValue(reference), "REF");
            var mode = chosen.Count == 0 ? ActivationMode.Switch : chosen[0];
            var fileOption = parse.GetValue(configFile);
            // Checked before anything is fetched or asked, the same way for both paths.
            UpdateConfigFile.Check(fileOption, GlobalOptions.Layout(parse));
            using var operations = SystemOperations.Open(parse);
            var update = await operations.InstallUpdateAsync(name, mode, parse.GetValue(UpdateCommand.Source), fileOption, !parse.GetValue(noRollback), cancel);
            if (update.Activation.Rollback != null)
            {
                return ActivationSummary.Print(update.Activation, operations.StoreDir, "update install");
            }
            Console.Out.WriteLine(Outcome(update.Abbreviation, update.Activation, operations.StoreDir));
            foreach (var failure in update.Activation.Failures)
            {
                Console.Error.WriteLine($"error: {failure.Unit} failed to {failure.Action}: {failure.Reason}");
            }
            return update.Activation.Failures.Count > 0 ? 1 : 0;
        });
        return command;
    }

    private static string Outcome(string abbreviation, ActivationJson activation, StoreDirectory storeDir)
    {
        var system = storeDir.Render(activation.System);
        return activation.Mode switch
        {
            ActivationMode.Switch => $"updated to {abbreviation}: generation {activation.Generation} ({system}) is current and the boot default",
            ActivationMode.Boot => $"updated to {abbreviation}: generation {activation.Generation} ({system}) is the boot default from the next boot",
            _ => $"testing {abbreviation}: {system} is current until the next boot",
        };
    }
}
