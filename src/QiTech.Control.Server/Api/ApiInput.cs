using QiTech.Control.Server.Daemon;
using QiTech.Os.Errors;
using GenerationNumber = QiTech.Os.Generations.GenerationNumber;

namespace QiTech.Control.Server.Api;

/// <summary>Checks of what API callers send, before anything reaches the daemon.</summary>
public static class ApiInput
{
    public static UnitName Unit(string text) =>
        UnitName.TryParse(text, out var unit) ? unit : throw new BadInputException($"unit '{Shorten(text)}': not a service unit name");

    public static GenerationNumber Generation(int number) =>
        number >= 1 ? new GenerationNumber(number) : throw new BadInputException($"generation {number}: must be 1 or more");

    /// <summary>A tag, branch or commit as the operator picked it: no option-like or control characters.</summary>
    public static string GitRef(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 255 || text[0] == '-' || text.Any(char.IsControl) || text.Contains(' '))
        {
            throw new BadInputException($"ref '{Shorten(text)}': not a tag, branch or commit name");
        }
        return text;
    }

    public static string SourceUrl(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 2048 || text[0] == '-' || text.Any(char.IsControl))
        {
            throw new BadInputException("url: empty or not a repository address");
        }
        return text.Trim();
    }

    public static string Token(string? text)
    {
        // The token is never echoed, not even in an error.
        if (string.IsNullOrEmpty(text) || text.Length > 4096 || text.Any(char.IsControl))
        {
            throw new BadInputException("token: empty, too long or with control characters");
        }
        return text;
    }

    /// <summary>A bundle's path as the daemon listed it: absolute, no control characters (the daemon installs only what it lists).</summary>
    public static string BundleFile(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 4096 || text[0] != '/' || text.Any(char.IsControl))
        {
            throw new BadInputException($"file '{Shorten(text)}': not the path of a listed bundle");
        }
        return text;
    }

    public static int Lines(int? lines) => lines is null ? 200 : Math.Clamp(lines.Value, 1, 10_000);

    private static string Shorten(string? text) =>
        text is null ? "" : new string(text.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
