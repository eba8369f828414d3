namespace QiTech.Os.Services;

/// <summary>
/// The version variables of a system closure, read from its <c>qitech-os-release</c> file
/// (<c>KEY=VALUE</c> lines, optional quotes, as os-release). Every service gets them.
/// </summary>
public sealed record QitechOsRelease(IReadOnlyDictionary<string, string> Variables)
{
    public const string FileName = "qitech-os-release";

    public static readonly string[] Names =
    [
        "QITECH_OS", "QITECH_OS_GIT_TIMESTAMP", "QITECH_OS_GIT_COMMIT", "QITECH_OS_GIT_ABBREVIATION", "QITECH_OS_GIT_URL",
    ];

    public string? Abbreviation => Variables.GetValueOrDefault("QITECH_OS_GIT_ABBREVIATION");

    public string? Commit => Variables.GetValueOrDefault("QITECH_OS_GIT_COMMIT");

    public string? Timestamp => Variables.GetValueOrDefault("QITECH_OS_GIT_TIMESTAMP");

    public string? Url => Variables.GetValueOrDefault("QITECH_OS_GIT_URL");

    /// <summary>Reads <paramref name="physicalClosure"/>/qitech-os-release; a missing file gives only QITECH_OS=true.</summary>
    public static QitechOsRelease Read(string physicalClosure)
    {
        var path = Path.Combine(physicalClosure, FileName);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var (key, value) in EnvironmentAssignments.ParseFile(File.ReadAllText(path), path))
            {
                if (key.StartsWith("QITECH_OS", StringComparison.Ordinal))
                {
                    variables[key] = value;
                }
            }
        }
        variables["QITECH_OS"] = "true";
        return new QitechOsRelease(variables);
    }
}
