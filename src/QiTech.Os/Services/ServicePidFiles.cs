using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Services;

/// <summary>
/// <c>R/run/qitech-os/services/&lt;unit&gt;.pid</c> holds "pid starttime" of each running service,
/// so a supervisor started after its predecessor was killed (kill -9, power cut of the
/// daemon alone) can end the orphaned process groups before booting again.
/// </summary>
public sealed class ServicePidFiles(SystemLayout layout)
{
    public string Directory { get; } = layout.RunDir + "/services";

    public void Record(string unit, int pid)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, unit + ".pid");
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, $"{pid} {ProcessGroups.StartTime(pid)}\n");
        File.Move(temporary, path, overwrite: true);
    }

    public void Forget(string unit) => File.Delete(Path.Combine(Directory, unit + ".pid"));

    /// <summary>Kills every recorded group whose leader is still the same process; returns the units.</summary>
    public List<string> KillLeftovers(TimeSpan grace)
    {
        var killed = new List<string>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return killed;
        }
        var groups = new List<int>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.pid"))
        {
            var parts = File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && int.TryParse(parts[0], out var pid) && ulong.TryParse(parts[1], out var start)
                && ProcessGroups.StartTime(pid) == start)
            {
                ProcessGroups.Signal(pid, Posix.SIGTERM);
                groups.Add(pid);
                killed.Add(Path.GetFileNameWithoutExtension(file));
            }
            else if (parts.Length == 2 && int.TryParse(parts[0], out var group) && ProcessGroups.LiveMembers(group).Count > 0
                && ProcessGroups.StartTime(group) == null)
            {
                // The leader is gone but its children live on in the group: end them too.
                ProcessGroups.Signal(group, Posix.SIGTERM);
                groups.Add(group);
                killed.Add(Path.GetFileNameWithoutExtension(file));
            }
            File.Delete(file);
        }
        var deadline = DateTime.UtcNow + grace;
        while (groups.Any(g => ProcessGroups.LiveMembers(g).Count > 0) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
        foreach (var group in groups)
        {
            ProcessGroups.Signal(group, Posix.SIGKILL);
        }
        return killed;
    }
}
