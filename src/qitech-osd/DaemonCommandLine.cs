using System.CommandLine;
using QiTech.Os.Errors;
using QiTech.Os.Services;
using QiTech.Os.Store;

namespace QiTech.Os.Daemon;

/// <summary><c>qitech-osd [--root R] [--store-dir D] [--embedded] [--group G]</c>, and <c>qitech-osd boot-check</c>.</summary>
public static class DaemonCommandLine
{
    private static SystemLayout Layout(string? root, string? storeDir)
    {
        try
        {
            return SystemLayout.FromOptions(root, storeDir);
        }
        catch (ArgumentException e)
        {
            throw new BadInputException(e.Message);
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new Option<string?>("--root") { Description = "System root (default: $QITECH_ROOT, else /)" };
        var storeDir = new Option<string?>("--store-dir") { Description = "Logical store directory (default: /qitech/store)" };
        var embedded = new Option<bool>("--embedded") { Description = "Be init: boot the default generation and supervise its services (no systemd, no root needed)" };
        var group = new Option<string>("--group") { Description = "Members of this group may change the system (root always may)", DefaultValueFactory = _ => Access.AccessPolicy.DefaultGroup };
        var logMaxBytes = new Option<long>("--log-max-bytes") { Description = "Size bound of one service log file before it rotates", DefaultValueFactory = _ => new SupervisorOptions().LogMaxBytes };
        var logKeep = new Option<int>("--log-keep") { Description = "Rotated log files kept per service", DefaultValueFactory = _ => new SupervisorOptions().LogKeep };
        var debug = new Option<bool>("--debug") { Description = "On an unexpected error, print its stack trace too" };
        var bootCheck = new Command("boot-check", "Wait for this boot's health checks; exit 0 when the booted generation is healthy (run before boot-complete.target)");
        bootCheck.SetAction(async (parse, cancel) => await BootCheckWait.RunAsync(Layout(parse.GetValue(root), parse.GetValue(storeDir)), cancel));
        var command = new RootCommand("qitech-osd: the QiTech Control OS daemon (HTTP over R/run/qitech-os/daemon.sock)")
        {
            root, storeDir, embedded, group, logMaxBytes, logKeep, debug, bootCheck,
        };
        root.Recursive = true;
        storeDir.Recursive = true;
        command.SetAction(async (parse, cancel) =>
        {
            var layout = Layout(parse.GetValue(root), parse.GetValue(storeDir));
            if (parse.GetValue(logMaxBytes) < 1024 || parse.GetValue(logKeep) < 0)
            {
                throw new BadInputException("--log-max-bytes must be at least 1024 and --log-keep not negative");
            }
            var options = new DaemonOptions(
                layout,
                parse.GetValue(embedded),
                parse.GetValue(group)!,
                new SupervisorOptions { LogMaxBytes = parse.GetValue(logMaxBytes), LogKeep = parse.GetValue(logKeep) });
            await DaemonHost.RunAsync(options, cancel);
            return 0;
        });
        var parse = command.Parse(args);
        var withStack = parse.GetValue(debug);
        // A failure on a thread nothing awaits (a service's watcher, a timer) ends the daemon with one line too.
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            Environment.Exit(ErrorReport.Write(Console.Error, e.ExceptionObject as Exception ?? new InvalidOperationException(e.ExceptionObject?.ToString()), withStack));
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            // Stopped (SIGTERM) before it was up.
            Console.Error.WriteLine("error: cancelled");
            return 130;
        }
        catch (Exception e)
        {
            return ErrorReport.Write(Console.Error, e, withStack);
        }
    }
}
