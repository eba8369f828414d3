using System.Diagnostics;

namespace QiTech.Os.Tests.Support;

/// <summary>Starts the CLI and SIGKILLs it after a delay, as a power cut would stop it.</summary>
public static class ProcessKiller
{
    /// <summary>Returns true if the process was killed before it finished by itself.</summary>
    public static bool RunAndKill(IEnumerable<string> cliArgs, TimeSpan after, byte[]? stdin = null)
    {
        var psi = OurCli.StartInfo(cliArgs);
        psi.RedirectStandardInput = true;
        using var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        _ = Task.Run(() =>
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
                // Killed while we were still writing.
            }
        });
        if (p.WaitForExit(after))
        {
            return false;
        }
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
        return true;
    }
}
