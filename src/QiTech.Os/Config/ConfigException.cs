using QiTech.Os.Errors;

namespace QiTech.Os.Config;

/// <summary>
/// A configuration that cannot be evaluated. The message is one line,
/// <c>file:line:col: option.path: cause</c>; the CLI exits with 2 and builds nothing.
/// </summary>
public sealed class ConfigException : BadInputException
{
    private ConfigException(SourceLocation location, OptionPath path, string cause)
        : base(Format(location, path, cause))
    {
        Location = location;
        OptionPath = path;
        Cause = cause;
    }

    public SourceLocation Location { get; }

    public OptionPath OptionPath { get; }

    /// <summary>The message without its place.</summary>
    public string Cause { get; }

    public static ConfigException At(SourceLocation location, OptionPath path, string cause) => new(location, path, cause);

    public static ConfigException UnknownOption(SourceLocation location, OptionPath path, IEnumerable<string> siblings)
    {
        var suggestion = Suggest.Closest(path.Last, siblings);
        return new(location, path, suggestion == null
            ? "unknown option"
            : $"unknown option; did you mean '{path.Parent.Append(suggestion)}'?");
    }

    public static ConfigException WrongType(SourceLocation location, OptionPath path, string expected, string got) =>
        new(location, path, $"expected {expected}, got {got}");

    /// <summary>Two definitions that disagree; the message leads with a file's place, the one a user can change.</summary>
    public static ConfigException Conflict(OptionPath path, string firstValue, SourceLocation first, string secondValue, SourceLocation second) =>
        !second.IsFile && first.IsFile
            ? Conflict(path, secondValue, second, firstValue, first)
            : new(second, path, $"conflicting values {secondValue} here and {firstValue} at {first}; mark one !force or !default");

    public static ConfigException AssertionFailed(SourceLocation location, OptionPath path, string message) =>
        new(location, path, "assertion failed: " + message);

    private static string Format(SourceLocation location, OptionPath path, string cause) =>
        path.IsRoot ? $"{location}: {cause}" : $"{location}: {path}: {cause}";
}
