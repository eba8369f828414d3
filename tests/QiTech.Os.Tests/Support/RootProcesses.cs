namespace QiTech.Os.Tests.Support;

/// <summary>
/// Finds the live processes that services of one root started: the supervisor gives every
/// service <c>QITECH_ROOT=&lt;root&gt;</c>, and children inherit it.
/// </summary>
public static class RootProcesses
{
    public static List<int> Of(string root)
    {
        var marker = System.Text.Encoding.UTF8.GetBytes("QITECH_ROOT=" + root + "\0");
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    continue;
                }
                var environment = File.ReadAllBytes($"/proc/{pid}/environ");
                if (environment.AsSpan().IndexOf(marker) >= 0)
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
        return found;
    }
}
