using QiTech.Os.Platform;

namespace QiTech.Os.Sources;

/// <summary>
/// Which source the machine updates from: a URL named on the command line wins, then the
/// override stored by the daemon (<c>R/var/lib/qitech/update-source</c>), then the
/// configuration's (passed in by the caller).
/// </summary>
public static class SourceSettings
{
    public static string OverrideFile(SystemLayout layout) => layout.ServiceStateDir + "/update-source";

    public static SourceUrl Choose(SystemLayout layout, string? commandLine, string? fromConfiguration = null)
    {
        if (commandLine != null)
        {
            return SourceUrl.ParseInput(commandLine, "--source");
        }
        var file = OverrideFile(layout);
        if (File.Exists(file))
        {
            return SourceUrl.ParseInput(File.ReadAllText(file).Trim(), file);
        }
        return fromConfiguration != null
            ? SourceUrl.ParseInput(fromConfiguration, "configuration update source")
            : throw new Errors.BadInputException("no update source: pass --source URL or set one for the machine");
    }
}
