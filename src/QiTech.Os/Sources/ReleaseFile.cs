using QiTech.Os.Store;

namespace QiTech.Os.Sources;

/// <summary>
/// A system's <c>qitech-os-release</c>: its <see cref="VersionInfo"/> as the variables
/// <c>QITECH_OS=true</c> and <c>QITECH_OS_GIT_*</c>, in os-release(5)'s form
/// (<see cref="ShellAssignments"/>). A closure carries it at its top, where the system's tools
/// and the supervisor read it, and in its <c>etc/</c>.
/// </summary>
public static class ReleaseFile
{
    public const string FileName = "qitech-os-release";

    public static string Format(VersionInfo version) => ShellAssignments.Format(version.Variables());

    /// <summary>The version <paramref name="text"/> names; a variable missing or empty is "unknown".</summary>
    public static VersionInfo Parse(string text) => Of(ShellAssignments.Parse(text));

    /// <summary>As <see cref="Parse"/>, but false unless the text says <c>QITECH_OS=true</c>.</summary>
    public static bool TryParse(string text, out VersionInfo version)
    {
        var values = ShellAssignments.Parse(text);
        version = Of(values);
        return values.GetValueOrDefault("QITECH_OS") == "true";
    }

    /// <summary>The release file of the closure at <paramref name="physicalClosure"/>; <see cref="VersionInfo.Unknown"/> when it has none.</summary>
    public static VersionInfo Read(string physicalClosure)
    {
        var path = Path.Combine(physicalClosure, FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : VersionInfo.Unknown;
    }

    /// <summary>The running system's version (<c>/run/current-system</c>); unknown when nothing runs.</summary>
    public static VersionInfo ReadRunning(SystemLayout layout)
    {
        var path = RootedPath.Resolve(layout, SystemLayout.CurrentSystemPath + "/" + FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : VersionInfo.Unknown;
    }

    private static VersionInfo Of(IReadOnlyDictionary<string, string> values)
    {
        return new VersionInfo(Get("QITECH_OS_GIT_TIMESTAMP"), Get("QITECH_OS_GIT_COMMIT"), Get("QITECH_OS_GIT_ABBREVIATION"), Get("QITECH_OS_GIT_URL"));

        string Get(string key) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : VersionInfo.UnknownValue;
    }
}
