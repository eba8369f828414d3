namespace QiTech.Os.Sources;

/// <summary>
/// What an operator names as an update target: a tag, a branch, or a (possibly abbreviated)
/// commit hash. Checked against git's ref rules and stricter ones (no leading dash, no
/// revision syntax) before git ever sees it, so it can never be read as an option.
/// </summary>
public readonly record struct GitRefName
{
    public const int MaxLength = 255;

    private GitRefName(string name) => Name = name;

    public string Name { get; }

    /// <summary>True when the name could be a commit hash or its abbreviation (4 to 64 hex digits).</summary>
    public bool LooksLikeCommit => Name.Length is >= 4 and <= 64 && Name.All(char.IsAsciiHexDigitLower);

    public static bool TryParse(string? text, out GitRefName name, out GitRefError error)
    {
        name = default;
        error = Check(text);
        if (error != GitRefError.None)
        {
            return false;
        }
        name = new GitRefName(text!);
        return true;
    }

    /// <summary>Parses user input; a bad ref is a <see cref="Errors.BadInputException"/> naming it.</summary>
    public static GitRefName ParseInput(string? text, string place = "ref") =>
        TryParse(text, out var name, out var error)
            ? name
            : throw new Errors.BadInputException($"{place} '{Printable(text)}' {error.Describe()}");

    private static GitRefError Check(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return GitRefError.Empty;
        }
        if (text.Length > MaxLength)
        {
            return GitRefError.TooLong;
        }
        if (text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return GitRefError.ControlCharacter;
        }
        if (text[0] == '-')
        {
            return GitRefError.LeadingDash;
        }
        if (text.Contains(".."))
        {
            return GitRefError.DotDot;
        }
        if (text.Contains("@{") || text == "@")
        {
            return GitRefError.ReflogSyntax;
        }
        if (text.IndexOfAny(['~', '^', ':', '?', '*', '[', '\\']) >= 0)
        {
            return GitRefError.ForbiddenCharacter;
        }
        foreach (var component in text.Split('/'))
        {
            if (component.Length == 0 || component[0] == '.' || component.EndsWith(".lock", StringComparison.Ordinal))
            {
                return GitRefError.BadComponent;
            }
        }
        return text.EndsWith('.') ? GitRefError.BadComponent : GitRefError.None;
    }

    /// <summary>Control characters shown escaped, so an error line stays one line.</summary>
    internal static string Printable(string? text) =>
        text == null ? "" : string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));

    public override string ToString() => Name ?? "";
}
