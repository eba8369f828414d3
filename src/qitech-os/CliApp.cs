using System.CommandLine;
using System.CommandLine.Invocation;
using QiTech.Os.Cli.Commands;
using QiTech.Os.Errors;

namespace QiTech.Os.Cli;

/// <summary>Builds the command tree and turns every error into one line and an exit code.</summary>
public static class CliApp
{
    /// <summary>
    /// How long Ctrl-C or SIGTERM waits for a command to wind down (a daemon job to confirm its
    /// cancel, killed builds to be reaped) before the process exits anyway.
    /// </summary>
    private static readonly TimeSpan TerminationWait = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("qitech-os: build, install, switch and roll back QiTech Control OS generations");
        root.Options.Add(GlobalOptions.Root);
        root.Options.Add(GlobalOptions.StoreDir);
        root.Options.Add(GlobalOptions.Debug);
        root.Subcommands.Add(HashPathCommand.Create());
        root.Subcommands.Add(StoreCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(ActivateCommand.Switch());
        root.Subcommands.Add(ActivateCommand.Boot());
        root.Subcommands.Add(ActivateCommand.Test());
        root.Subcommands.Add(ActivateCommand.DryActivate());
        root.Subcommands.Add(ListGenerationsCommand.Create());
        root.Subcommands.Add(DeleteGenerationsCommand.Create());
        root.Subcommands.Add(BootEntriesCommand.Create());
        root.Subcommands.Add(RetentionCommand.Create());
        root.Subcommands.Add(BuildCommand.Create());
        root.Subcommands.Add(ImageCommand.Create());
        root.Subcommands.Add(BuildVmCommand.Create());
        root.Subcommands.Add(InstallCommand.Create());
        root.Subcommands.Add(OptionsCommand.Create());
        root.Subcommands.Add(UpdateCommand.Create());
        root.Subcommands.Add(BaseCommand.Create());
        root.Subcommands.Add(DerivationCommand.Create());
        root.Subcommands.Add(CacheCommand.Create());
        root.Subcommands.Add(BundleCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());

        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // Bad input, as the project's rule has it: one line and exit code 2 (help, asked for, still exits 0).
            Console.Error.WriteLine("error: " + string.Join(" ", parse.Errors.Select(e => e.Message)));
            return 2;
        }
        var debug = parse.GetValue(GlobalOptions.Debug);
        // A failure on a thread no command awaits would otherwise end the process with a stack dump and signal 6.
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            var exception = e.ExceptionObject as Exception ?? new InvalidOperationException(e.ExceptionObject?.ToString());
            Environment.Exit(ErrorReport.Write(Console.Error, exception, debug));
        };
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TerminationWait });
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("error: cancelled");
            return 130;
        }
        catch (Exception e)
        {
            return ErrorReport.Write(Console.Error, e, debug);
        }
    }
}
