using QiTech.Os.Store;

namespace QiTech.Os.Sources;

/// <summary>
/// Which source the machine updates from: a URL named by the caller (command line or request)
/// wins, then the override stored by the daemon (<c>R/var/lib/qitech/update-source</c>), then
/// the running configuration's <c>system.update.source</c>, then the URL the running system was
/// built from (its <c>QITECH_OS_GIT_URL</c>).
/// </summary>
public static class SourceSettings
{
    public static string OverrideFile(SystemLayout layout) => layout.ServiceStateDir + "/update-source";

    /// <param name="requested">The caller's URL, or null.</param>
    /// <param name="requestedName">How errors name the caller's URL ("--source", "source").</param>
    public static SourceUrl Choose(SystemLayout layout, string? requested, string requestedName = "--source")
    {
        if (requested != null)
        {
            return SourceUrl.ParseInput(requested, requestedName);
        }
        var file = OverrideFile(layout);
        if (File.Exists(file))
        {
            return SourceUrl.ParseInput(File.ReadAllText(file).Trim(), file);
        }
        if (UpdateSettingsFile.ReadRunning(layout).Source is { } configured)
        {
            return SourceUrl.ParseInput(configured, "the running configuration's system.update.source");
        }
        return ReleaseFile.ReadRunning(layout).Url is var built && built != VersionInfo.UnknownValue
            ? SourceUrl.ParseInput(built, "the running system's QITECH_OS_GIT_URL")
            : throw new Errors.BadInputException("no update source: pass --source URL or set one for the machine");
    }
}
