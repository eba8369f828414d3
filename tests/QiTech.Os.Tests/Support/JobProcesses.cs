using System.Text;

namespace QiTech.Os.Tests.Support;

/// <summary>
/// Finds the live processes a daemon job runs for one root (git, bubblewrap and what they
/// start): not the daemon and not the root's services, but any other process whose command
/// line names the root or one of the given markers or whose working directory is inside the
/// root, and every descendant of such a process (a builder inside bubblewrap sees only its
/// own paths).
/// </summary>
public static class JobProcesses
{
    public static List<string> Of(string root, int daemonPid, params string[] markers)
    {
        var services = RootProcesses.Of(root).ToHashSet();
        var all = new Dictionary<int, (int Parent, string Text, bool Named)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == daemonPid || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] == "Z")
                {
                    continue;
                }
                var commandLine = Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/cmdline")).Replace('\0', ' ').Trim();
                var workDir = ReadLink($"/proc/{pid}/cwd");
                var named = !services.Contains(pid)
                    && (commandLine.Contains(root, StringComparison.Ordinal)
                        || markers.Any(m => commandLine.Contains(m, StringComparison.Ordinal))
                        || (workDir != null && (workDir == root || workDir.StartsWith(root + "/", StringComparison.Ordinal))));
                all[pid] = (int.Parse(fields[1]), $"{pid}: {commandLine} (in {workDir})", named);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
        return all.Where(p => !services.Contains(p.Key) && Matches(p.Key)).Select(p => p.Value.Text).ToList();

        bool Matches(int pid)
        {
            for (var depth = 0; depth < 64 && all.TryGetValue(pid, out var info); depth++)
            {
                if (info.Named)
                {
                    return true;
                }
                pid = info.Parent;
            }
            return false;
        }
    }

    /// <summary>
    /// Waits (up to a generous deadline) until no such process is left: a process killed with
    /// SIGKILL may still be listed for a moment before the kernel has ended it.
    /// </summary>
    public static List<string> AfterSettling(string root, int daemonPid, params string[] markers)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var left = Of(root, daemonPid, markers);
            if (left.Count == 0 || DateTime.UtcNow > deadline)
            {
                return left;
            }
            Thread.Sleep(50);
        }
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
