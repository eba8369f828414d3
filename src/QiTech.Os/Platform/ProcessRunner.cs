using System.Diagnostics;

namespace QiTech.Os.Platform;

/// <summary>
/// The one way a short-lived program is run. It starts as the leader of its own session and
/// process group (through <c>setsid</c>, no shell), so a cancel kills it with everything it
/// started; stdout and stderr are read at the same time, so a program that fills one pipe
/// while we wait on the other cannot stall; the pipes are closed when it ends.
/// </summary>
public static class ProcessRunner
{
    /// <summary>setsid execs in place (a child of ours leads no group), so the started pid is the program's.</summary>
    internal static string SetsidPath { get; } = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "/bin/setsid";

    /// <summary>Runs <paramref name="command"/> to its end and returns what it wrote; a cancel kills it and throws.</summary>
    public static async Task<ProcessResult> RunAsync(ProcessCommand command, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        using var process = Start(command);
        using var kill = cancel.Register(process.Kill);
        var stdout = ReadAllAsync(process.StandardOutput.BaseStream);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var stdin = FeedAsync(process, command.Input);
        await process.WaitForExitAsync().ConfigureAwait(false);
        process.EndLeftovers();
        var result = new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        await stdin.ConfigureAwait(false);
        cancel.ThrowIfCancellationRequested();
        return result;
    }

    /// <summary>
    /// As <see cref="RunAsync"/>, for synchronous callers (configuration evaluation, a source
    /// snapshot): the wait happens on a pool thread, so no caller's context is blocked on.
    /// </summary>
    public static ProcessResult Run(ProcessCommand command, CancellationToken cancel) =>
        Task.Run(() => RunAsync(command, cancel), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Runs <paramref name="command"/> to its end, handing each line of its stdout and stderr to
    /// <paramref name="onLine"/> as it comes (one line at a time); returns the exit code. A
    /// cancel kills it and throws.
    /// </summary>
    public static async Task<int> RunLinesAsync(ProcessCommand command, Action<string> onLine, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        using var process = Start(command);
        using var kill = cancel.Register(process.Kill);
        var gate = new Lock();
        var stdout = PumpAsync(process.StandardOutput, onLine, gate);
        var stderr = PumpAsync(process.StandardError, onLine, gate);
        var stdin = FeedAsync(process, command.Input);
        await process.WaitForExitAsync().ConfigureAwait(false);
        process.EndLeftovers();
        await Task.WhenAll(stdout, stderr, stdin).ConfigureAwait(false);
        cancel.ThrowIfCancellationRequested();
        return process.ExitCode;
    }

    /// <summary>
    /// Starts <paramref name="command"/> for a caller that talks to it through its pipes
    /// (<c>git cat-file --batch</c>); <see cref="ProcessCommand.Input"/> is not written. The
    /// caller disposes it, which kills what still runs.
    /// </summary>
    public static RunningProcess Start(ProcessCommand command)
    {
        var start = new ProcessStartInfo(SetsidPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = command.WorkingDirectory ?? "",
        };
        if (command.Inherit is { } inherit)
        {
            foreach (var name in start.Environment.Keys.Where(name => !inherit(name)).ToList())
            {
                start.Environment.Remove(name);
            }
        }
        foreach (var (name, value) in command.Environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(Resolve(command.Program, start.Environment.TryGetValue("PATH", out var path) ? path : null));
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return new RunningProcess(Process.Start(start)!);
    }

    /// <summary>The first of <paramref name="candidates"/> that exists, for tools whose place differs between distributions.</summary>
    public static string? Find(params string[] candidates) => candidates.FirstOrDefault(File.Exists);

    /// <summary>
    /// The program's file, looked up on the PATH it will get: a missing program is said here, in
    /// one line, and not as setsid's failure to exec it.
    /// </summary>
    private static string Resolve(string program, string? path)
    {
        if (program.Contains('/'))
        {
            return File.Exists(program) ? program : throw new ProgramNotFoundException(program);
        }
        foreach (var directory in (path ?? "/usr/local/bin:/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new ProgramNotFoundException(program);
    }

    private static async Task FeedAsync(RunningProcess process, byte[]? input)
    {
        try
        {
            if (input != null)
            {
                await process.StandardInput.BaseStream.WriteAsync(input, CancellationToken.None).ConfigureAwait(false);
            }
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program may end before it reads all of its input; its exit code tells why.
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, CancellationToken.None).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine, Lock gate)
    {
        while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            lock (gate)
            {
                onLine(line);
            }
        }
    }
}
