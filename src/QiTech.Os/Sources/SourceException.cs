using QiTech.Os.Errors;

namespace QiTech.Os.Sources;

/// <summary>A git operation on an update source failed; the message never holds the token.</summary>
public sealed class SourceException(string message, bool transient = false, int exitCode = 1)
    : QiTechOsException(message, exitCode)
{
    public override bool IsTransient => transient;
}
