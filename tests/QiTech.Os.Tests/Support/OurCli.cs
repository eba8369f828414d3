namespace QiTech.Os.Tests.Support;

/// <summary>Runs the built qitech-os CLI as a real process, the way users and scripts do.</summary>
public static class OurCli
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "qitech-os.dll");

    public static QiTech.Os.Platform.ProcessResult Run(params string[] args) => Run(args, null);

    public static QiTech.Os.Platform.ProcessResult Run(IEnumerable<string> args, byte[]? stdin, IDictionary<string, string>? env = null) =>
        HostProgram.Run("dotnet", [Dll, .. args], stdin, env);

    /// <summary>As <see cref="Run(string[])"/>, for commands that take longer than the default five minutes (building a disk image).</summary>
    public static QiTech.Os.Platform.ProcessResult RunLong(TimeSpan timeout, params string[] args) =>
        HostProgram.Run("dotnet", [Dll, .. args], timeoutMs: (int)timeout.TotalMilliseconds);

    /// <summary>Runs the CLI from <paramref name="workingDirectory"/>, for relative paths on its command line.</summary>
    public static QiTech.Os.Platform.ProcessResult RunIn(string workingDirectory, params string[] args) =>
        HostProgram.Run("dotnet", [Dll, .. args], cwd: workingDirectory);

    /// <summary>Starts the CLI without waiting, for tests that kill it at a moment of their choosing.</summary>
    public static System.Diagnostics.Process Start(IEnumerable<string> args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Prepend(Dll))
        {
            info.ArgumentList.Add(arg);
        }
        var process = System.Diagnostics.Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Starts the CLI with its stderr readable line by line as it comes (stdout is drained).</summary>
    public static System.Diagnostics.Process StartWithStderr(IEnumerable<string> args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args.Prepend(Dll))
        {
            info.ArgumentList.Add(arg);
        }
        var process = System.Diagnostics.Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }
}
