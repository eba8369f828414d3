namespace QiTech.Os.Errors;

/// <summary>
/// Base of every error the system reports to a user. <see cref="ExitCode"/> is what the CLI
/// exits with; the message is one line that names the cause and the place.
/// </summary>
public class QiTechOsException : Exception
{
    public QiTechOsException(string message, int exitCode = 1, Exception? inner = null)
        : base(message, inner) => ExitCode = exitCode;

    /// <summary>2 for bad input, 1 for everything else.</summary>
    public int ExitCode { get; }

    /// <summary>True when trying the same thing again may succeed (a busy lock, a network hiccup).</summary>
    public virtual bool IsTransient => false;
}

/// <summary>The user gave something malformed or impossible: exit code 2, nothing changed.</summary>
public class BadInputException(string message, Exception? inner = null)
    : QiTechOsException(message, 2, inner);
