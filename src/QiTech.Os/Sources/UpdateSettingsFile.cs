using QiTech.Os.Store;

namespace QiTech.Os.Sources;

/// <summary>
/// A system's <c>update-settings</c> (<c>source=</c>, <c>configFile=</c>, each only when set, in
/// the <see cref="ShellAssignments"/> form): where the machine updates from and which
/// configuration file an update builds, when a request names neither.
/// </summary>
public sealed record UpdateSettingsFile(string? Source, string? ConfigFile)
{
    public const string FileName = "update-settings";

    public string Format()
    {
        var assignments = new List<KeyValuePair<string, string>>();
        if (Source != null)
        {
            assignments.Add(new("source", Source));
        }
        if (ConfigFile != null)
        {
            assignments.Add(new("configFile", ConfigFile));
        }
        return ShellAssignments.Format(assignments);
    }

    /// <summary>The running system's settings (<c>/run/current-system</c>); none set when nothing runs.</summary>
    public static UpdateSettingsFile ReadRunning(SystemLayout layout)
    {
        var path = RootedPath.Resolve(layout, SystemLayout.CurrentSystemPath + "/" + FileName);
        var values = File.Exists(path) ? ShellAssignments.Parse(File.ReadAllText(path)) : new Dictionary<string, string>();
        return new UpdateSettingsFile(values.GetValueOrDefault("source"), values.GetValueOrDefault("configFile"));
    }
}
