using System.Diagnostics;
using QiTech.Os.Platform;

namespace QiTech.Os.Activation;

/// <summary>Runs a host program with an argument list (never through a shell) and collects its output.</summary>
internal static class HostCommand
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>
    /// Runs <paramref name="program"/> to its end. A cancel kills it with every process it
    /// started, then throws. <paramref name="environment"/>, when given, is its whole environment.
    /// </summary>
    public static async Task<Result> RunAsync(string program, IEnumerable<string> args, CancellationToken cancel, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        if (environment != null)
        {
            info.Environment.Clear();
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        try
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(cancel);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                throw;
            }
            return new Result(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            ProcessPipes.Close(process);
        }
    }

    /// <summary>The first of <paramref name="candidates"/> that exists, for tools whose place differs between distributions.</summary>
    public static string? Find(params string[] candidates) => candidates.FirstOrDefault(File.Exists);
}
