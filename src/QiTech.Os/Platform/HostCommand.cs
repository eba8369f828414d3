using System.Diagnostics;

namespace QiTech.Os.Platform;

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

    /// <summary>As <see cref="RunAsync"/>, writing <paramref name="input"/> to the program's stdin.</summary>
    public static async Task<Result> RunWithInputAsync(string program, IEnumerable<string> args, string input, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancel);
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        await process.StandardInput.WriteAsync(input.AsMemory(), cancel);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancel);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Runs a long host program (mmdebstrap, mkfs), handing each line of its stdout and stderr
    /// to <paramref name="onLine"/> as it comes; cancelling kills its whole process tree.
    /// Returns the exit code.
    /// </summary>
    public static async Task<int> RunStreamingAsync(string program, IEnumerable<string> args, Action<string> onLine,
        IReadOnlyDictionary<string, string>? environment, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = new Process { StartInfo = info };
        var gate = new Lock();
        void Line(string? line)
        {
            if (line != null)
            {
                lock (gate)
                {
                    onLine(line);
                }
            }
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"cannot start {program}");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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
        // The last lines arrive after the exit is seen; the parameterless wait drains them.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>The first of <paramref name="candidates"/> that exists, for tools whose place differs between distributions.</summary>
    public static string? Find(params string[] candidates) => candidates.FirstOrDefault(File.Exists);
}
