namespace QiTech.Os.Tests.Support;

/// <summary>
/// Runs the built qitech-os CLI as a real process, the way users and scripts do: the JIT build
/// beside these tests, or the program <c>QITECH_OS_TEST_CLI</c> names (the NativeAOT publish,
/// <c>artifacts/publish/qitech-os/release_linux-x64/qitech-os</c>, as machines run it).
/// </summary>
public static class OurCli
{
    private static readonly string? Program = Environment.GetEnvironmentVariable("QITECH_OS_TEST_CLI") is { Length: > 0 } p ? p : null;

    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "qitech-os.dll");

    /// <summary>The command line that runs the CLI with <paramref name="args"/>: program first.</summary>
    public static IReadOnlyList<string> CommandLine(IEnumerable<string> args) =>
        Program != null ? [Program, .. args] : ["dotnet", Dll, .. args];

    public static QiTech.Os.Platform.ProcessResult Run(params string[] args) => Run(args, null);

    public static QiTech.Os.Platform.ProcessResult Run(IEnumerable<string> args, byte[]? stdin, IDictionary<string, string>? env = null) =>
        HostProgram.Run(CommandLine(args)[0], CommandLine(args).Skip(1), stdin, env);

    /// <summary>As <see cref="Run(string[])"/>, for commands that take longer than the default five minutes (building a disk image).</summary>
    public static QiTech.Os.Platform.ProcessResult RunLong(TimeSpan timeout, params string[] args) =>
        HostProgram.Run(CommandLine(args)[0], CommandLine(args).Skip(1), timeoutMs: (int)timeout.TotalMilliseconds);

    /// <summary>Runs the CLI from <paramref name="workingDirectory"/>, for relative paths on its command line.</summary>
    public static QiTech.Os.Platform.ProcessResult RunIn(string workingDirectory, params string[] args) =>
        HostProgram.Run(CommandLine(args)[0], CommandLine(args).Skip(1), cwd: workingDirectory);

    /// <summary>A start of the CLI with its output redirected, for tests that watch or kill the process.</summary>
    public static System.Diagnostics.ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var line = CommandLine(args);
        var info = new System.Diagnostics.ProcessStartInfo(line[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in line.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    /// <summary>Starts the CLI without waiting, for tests that kill it at a moment of their choosing.</summary>
    public static System.Diagnostics.Process Start(IEnumerable<string> args)
    {
        var process = System.Diagnostics.Process.Start(StartInfo(args))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Starts the CLI with its stderr readable line by line as it comes (stdout is drained).</summary>
    public static System.Diagnostics.Process StartWithStderr(IEnumerable<string> args)
    {
        var process = System.Diagnostics.Process.Start(StartInfo(args))!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }
}
