using Microsoft.Extensions.Logging.Console;

namespace QiTech.Os.Daemon;

/// <summary>
/// Where the daemon's log goes: stderr, plain text, one entry per line (a crash's stack
/// included on it). Under systemd (<c>JOURNAL_STREAM</c> set) in the systemd format, whose
/// <c>&lt;N&gt;</c> prefix journald reads as the priority; otherwise the demo's log file or a
/// terminal gets the same text without colours.
/// </summary>
public static class DaemonLogging
{
    public static void Configure(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Warning);
        // The system's own components say what jobs do; the framework only what goes wrong.
        logging.AddFilter("QiTech.Os", LogLevel.Information);
        logging.AddConsole(console =>
        {
            console.FormatterName = UnderSystemd ? ConsoleFormatterNames.Systemd : ConsoleFormatterNames.Simple;
            console.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        logging.Services.Configure<SimpleConsoleFormatterOptions>(simple =>
        {
            simple.ColorBehavior = LoggerColorBehavior.Disabled;
            simple.SingleLine = true;
            simple.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            simple.UseUtcTimestamp = true;
        });
    }

    /// <summary>systemd sets <c>JOURNAL_STREAM</c> when a service's stderr is the journal.</summary>
    private static bool UnderSystemd => Environment.GetEnvironmentVariable("JOURNAL_STREAM") != null;
}
