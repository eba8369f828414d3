using QiTech.Os.Errors;

namespace QiTech.Os.Config;

/// <summary>A unit file the supervisor cannot run: names the file and line.</summary>
public sealed class UnitFileException(string location, string cause)
    : BadInputException($"{location}: {cause}")
{
    /// <summary>"path/to/x.service:12" (or just the path when no single line is at fault).</summary>
    public string Location { get; } = location;
}
