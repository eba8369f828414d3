using QiTech.Os.Platform;

namespace QiTech.Os.Tests.Support;

/// <summary>Runs a real program to its end through the product's <see cref="ProcessRunner"/>, bounded by a timeout.</summary>
public static class HostProgram
{
    public static ProcessResult Run(string file, IEnumerable<string> args, byte[]? stdin = null, IDictionary<string, string>? env = null, string? cwd = null, int timeoutMs = 300_000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        try
        {
            return ProcessRunner.Run(new ProcessCommand(file, [.. args])
            {
                Input = stdin,
                Environment = env == null ? null : new Dictionary<string, string>(env),
                WorkingDirectory = cwd,
            }, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
    }
}
