using System.Diagnostics;
using System.Text;

namespace QiTech.Control.Server.Tests.Support;

/// <summary>
/// A program of this repository run as its own process (<c>dotnet X.dll</c>), its output
/// kept for failure messages. Disposing stops it with SIGTERM, then kills it.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private ChildProcess(Process process) => this.process = process;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public bool HasExited => process.HasExited;

    /// <summary>The build output of a project next to this test project's ("qitech-osd", "QiTech.Control.Server").</summary>
    public static string BuiltDll(string project, string assembly)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Name;
        return Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", project, configuration, assembly + ".dll"));
    }

    public static ChildProcess Start(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var child = new ChildProcess(Process.Start(start)!);
        child.process.OutputDataReceived += (_, e) => child.Append(e.Data);
        child.process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Polls <paramref name="ready"/> until it holds; fails with the output when the process dies or never gets there.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> ready, string what)
    {
        // Generous: a cold JIT start on a busy two-core machine is slow; this is no speed check.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await ready())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{what} did not come up (exited: {process.HasExited}):\n{Output}");
            }
            await Task.Delay(100);
        }
    }

    public void Stop()
    {
        if (process.HasExited)
        {
            return;
        }
        // SIGTERM, so the daemon stops the services it started.
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Stop();
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
