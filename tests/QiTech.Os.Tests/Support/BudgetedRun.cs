using System.Diagnostics;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// Runs the real CLI with a budget of wall time and peak memory (VmHWM from /proc, read while
/// it runs): a process that goes over either is killed, so a regression fails the test instead
/// of exhausting the machine. A budget check with generous bounds, not a measurement.
/// </summary>
public static class BudgetedRun
{
    public sealed record Result(int ExitCode, string Stderr, long PeakRssBytes, string? OverBudget);

    public static Result Cli(IEnumerable<string> args, TimeSpan time, long maxRssBytes)
    {
        using var process = Process.Start(OurCli.StartInfo(args))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        long peak = 0;
        string? over = null;
        while (!process.WaitForExit(20))
        {
            peak = Math.Max(peak, PeakRss(process.Id));
            over = peak > maxRssBytes ? $"peak RSS {peak / 1048576} MiB over {maxRssBytes / 1048576} MiB"
                : clock.Elapsed > time ? $"still running after {time.TotalSeconds} s"
                : null;
            if (over != null)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                break;
            }
        }
        stdout.Wait();
        return new Result(process.ExitCode, stderr.Result, peak, over);
    }

    /// <summary>The process's peak resident set so far, 0 once it is gone.</summary>
    private static long PeakRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line == null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
