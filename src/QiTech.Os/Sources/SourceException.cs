using QiTech.Os.Errors;

namespace QiTech.Os.Sources;

/// <summary>
/// A git operation on an update source failed; the message never holds the token.
/// <see cref="AuthenticationFailed"/>: the source is there but wants (other) credentials.
/// </summary>
public sealed class SourceException(string message, bool transient = false, int exitCode = 1, bool authenticationFailed = false)
    : QiTechOsException(message, exitCode)
{
    public override bool IsTransient => transient;

    public bool AuthenticationFailed => authenticationFailed;
}
