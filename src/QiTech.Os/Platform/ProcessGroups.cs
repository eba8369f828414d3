namespace QiTech.Os.Platform;

/// <summary>
/// Each service runs as the leader of its own session and process group, so the group id
/// is the service's pid and one signal reaches its whole tree. Liveness is read from
/// /proc, ignoring zombies that another parent has not reaped yet.
/// </summary>
public static class ProcessGroups
{
    public static void Signal(int processGroup, int signal)
    {
        if (processGroup > 1)
        {
            Posix.Kill(-processGroup, signal);
        }
    }

    /// <summary>Pids of the live (non-zombie) processes in <paramref name="processGroup"/>.</summary>
    public static List<int> LiveMembers(int processGroup)
    {
        var members = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || !TryReadStat(pid, out var stat))
            {
                continue;
            }
            if (stat.ProcessGroup == processGroup && stat.State != 'Z' && stat.State != 'X')
            {
                members.Add(pid);
            }
        }
        return members;
    }

    /// <summary>The kernel's start time of <paramref name="pid"/> (clock ticks since boot), to tell a reused pid apart.</summary>
    public static ulong? StartTime(int pid) => TryReadStat(pid, out var stat) ? stat.StartTime : null;

    private readonly record struct ProcStat(char State, int ProcessGroup, ulong StartTime);

    private static bool TryReadStat(int pid, out ProcStat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        // The command name may hold spaces and parentheses: fields start after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }
        var fields = text[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state); pgrp is field 5; starttime is field 22.
        if (fields.Length < 20 || !int.TryParse(fields[2], out var group) || !ulong.TryParse(fields[19], out var start))
        {
            return false;
        }
        stat = new ProcStat(fields[0][0], group, start);
        return true;
    }
}
