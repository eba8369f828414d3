using QiTech.Os.Errors;

namespace QiTech.Os.Updates;

/// <summary>The configuration file an update builds: a plain relative path inside the commit's tree.</summary>
public static class UpdateConfigFile
{
    /// <summary>
    /// <paramref name="text"/> checked, or else the running configuration's
    /// <c>system.update.configFile</c>, or else null (the commit's default files).
    /// </summary>
    public static string? Check(string? text, QiTech.Os.Store.SystemLayout layout) =>
        text != null ? Check(text)
        : Check(Sources.UpdateSettingsFile.ReadRunning(layout).ConfigFile);

    /// <summary>Returns <paramref name="text"/> (null stays null); refuses anything that could leave the tree.</summary>
    public static string? Check(string? text)
    {
        if (text == null)
        {
            return null;
        }
        if (text.Length == 0 || text.StartsWith('/') || text.Any(char.IsControl) || text.Split('/').Any(p => p is "" or "." or ".."))
        {
            throw new BadInputException($"configuration file '{string.Concat(text.Select(c => char.IsControl(c) ? "?" : c.ToString()))}' must be a plain relative path in the repository");
        }
        return text;
    }
}
