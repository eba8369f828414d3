using System.Diagnostics;

namespace QiTech.Os.Tests.Support;

/// <summary>Runs a real program and captures its output (bytes for stdout, text for stderr).</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, byte[] Stdout, string Stderr)
    {
        public string StdoutText => System.Text.Encoding.UTF8.GetString(Stdout);
    }

    public static Result Run(string file, IEnumerable<string> args, byte[]? stdin = null, IDictionary<string, string>? env = null, string? cwd = null, int timeoutMs = 300_000)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (cwd != null)
        {
            psi.WorkingDirectory = cwd;
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        if (env != null)
        {
            foreach (var (k, v) in env)
            {
                psi.Environment[k] = v;
            }
        }
        using var p = Process.Start(psi)!;
        var stdoutTask = Task.Run(() =>
        {
            using var ms = new MemoryStream();
            p.StandardOutput.BaseStream.CopyTo(ms);
            return ms.ToArray();
        });
        var stderrTask = p.StandardError.ReadToEndAsync();
        var stdinTask = Task.Run(() =>
        {
            try
            {
                if (stdin != null)
                {
                    p.StandardInput.BaseStream.Write(stdin);
                }
                p.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program may exit before reading all of its input (a malformed NAR).
            }
        });
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        stdinTask.Wait();
        return new Result(p.ExitCode, stdoutTask.Result, stderrTask.Result);
    }
}
