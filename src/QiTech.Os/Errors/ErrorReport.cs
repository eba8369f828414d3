using System.ComponentModel;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace QiTech.Os.Errors;

/// <summary>
/// What a program prints and exits with when a command ends in an exception: one line with
/// the cause and the place, 2 for bad input, 1 for a failing environment (a full disk, a
/// missing permission, a file where a directory belongs) and for anything unforeseen. The
/// stack trace is for developers only: the caller prints <see cref="StackTrace"/> on request.
/// </summary>
public static class ErrorReport
{
    /// <summary>The one line (without "error: ") and the exit code for <paramref name="exception"/>.</summary>
    public static (string Line, int ExitCode) Describe(Exception exception)
    {
        var e = Unwrap(exception);
        if (e is QiTechOsException known)
        {
            // Ours: one line, or deliberately followed by context (a failed build's last log lines).
            return (known.Message, known.ExitCode);
        }
        var (text, code) = e switch
        {
            // .NET's texts name the path ("Access to the path '/x' is denied.", "No space left on device : '/x'").
            DirectoryNotFoundException missing => (missing.Message + NotADirectoryHint(missing.Message), 1),
            UnauthorizedAccessException or IOException => (e.Message, 1),
            SqliteException sqlite => ("store database: " + sqlite.Message, 1),
            // Starting a program that is missing or not executable.
            Win32Exception win32 => (win32.Message, 1),
            _ => ($"unexpected {e.GetType().Name}: {e.Message}", 1),
        };
        return (OneLine(text), code);
    }

    /// <summary>
    /// Writes "error: " and the line to <paramref name="error"/>, the stack trace only when
    /// <paramref name="withStack"/> (a --debug switch); returns the exit code.
    /// </summary>
    public static int Write(TextWriter error, Exception exception, bool withStack)
    {
        var (line, exitCode) = Describe(exception);
        var hint = IsUnexpected(exception) && !withStack ? " (run again with --debug for where it happened)" : "";
        error.WriteLine("error: " + line + hint);
        if (withStack)
        {
            error.WriteLine(StackTrace(exception));
        }
        return exitCode;
    }

    /// <summary>True when the exception is one no check foresaw: worth its stack trace in a log or with a debug switch.</summary>
    public static bool IsUnexpected(Exception exception) =>
        Unwrap(exception) is not (QiTechOsException or UnauthorizedAccessException or IOException or SqliteException or Win32Exception);

    /// <summary>The full exception with its stack, for a debug switch or a log; never shown by default.</summary>
    public static string StackTrace(Exception exception) => Unwrap(exception).ToString();

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    e = aggregate.InnerExceptions[0];
                    break;
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    break;
                case TypeInitializationException { InnerException: { } inner }:
                    e = inner;
                    break;
                default:
                    return e;
            }
        }
    }

    /// <summary>
    /// .NET says "Could not find a part of the path '/r/qitech/store'." both when a folder is
    /// missing and when a file stands where a directory should: name the file in the second case.
    /// </summary>
    private static string NotADirectoryHint(string message)
    {
        var start = message.IndexOf('\'');
        var end = message.LastIndexOf('\'');
        if (start < 0 || end <= start + 1)
        {
            return "";
        }
        for (var path = Path.GetDirectoryName(message[(start + 1)..end]); !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
        {
            if (File.Exists(path))
            {
                return $" ({path} is a file, not a directory)";
            }
            if (Directory.Exists(path))
            {
                return "";
            }
        }
        return "";
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
