using System.ComponentModel;
using System.Diagnostics;

namespace QiTech.Os.Platform;

/// <summary>
/// A program <see cref="ProcessRunner"/> started, leader of its own session and process group,
/// with its three standard streams redirected. <see cref="Kill"/> ends the whole group;
/// <see cref="Dispose"/> kills what still runs and closes the pipes.
/// </summary>
public sealed class RunningProcess : IDisposable
{
    private readonly Process _process;

    internal RunningProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public StreamWriter StandardInput => _process.StandardInput;

    public StreamReader StandardOutput => _process.StandardOutput;

    public StreamReader StandardError => _process.StandardError;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public Task WaitForExitAsync() => _process.WaitForExitAsync(CancellationToken.None);

    /// <summary>
    /// SIGKILL to the program's process group, which holds everything it started that did not
    /// leave it, and to its tree of children by parent (the program may not have become a
    /// group leader yet when a cancel comes right after the start).
    /// </summary>
    public void Kill()
    {
        ProcessGroups.Signal(_process.Id, Posix.SIGKILL);
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or AggregateException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Once the program exited, ends what it left running in its group: such a child would
    /// hold the output pipes open and the read of them would never end.
    /// </summary>
    public void EndLeftovers()
    {
        if (ProcessGroups.LiveMembers(_process.Id).Count > 0)
        {
            ProcessGroups.Signal(_process.Id, Posix.SIGKILL);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        ProcessPipes.Close(_process);
        _process.Dispose();
    }
}
