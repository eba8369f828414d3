using QiTech.Os.Store;

namespace QiTech.Os.Services;

/// <summary>A unit's last log lines for a failure report, from the embedded supervisor's log files.</summary>
internal static class UnitLog
{
    /// <summary>The last lines of <c>R/var/log/qitech/&lt;unit&gt;.log</c> (or the name without ".service").</summary>
    public static IReadOnlyList<string> LastLines(SystemLayout layout, string unit, int count)
    {
        var stem = unit.EndsWith(".service", StringComparison.Ordinal) ? unit[..^".service".Length] : unit;
        foreach (var name in new[] { unit, stem })
        {
            var path = layout.LogDir + "/" + name + ".log";
            if (File.Exists(path))
            {
                return File.ReadLines(path).TakeLast(count).ToList();
            }
        }
        return [];
    }
}
