namespace QiTech.Os.Sources;

/// <summary>Why a text is not an acceptable git ref (a tag, branch or commit name).</summary>
public enum GitRefError
{
    None,
    Empty,
    TooLong,
    LeadingDash,
    ControlCharacter,
    ForbiddenCharacter,
    DotDot,
    BadComponent,
    ReflogSyntax,
}

public static class GitRefErrorExtensions
{
    public static string Describe(this GitRefError error) => error switch
    {
        GitRefError.Empty => "is empty",
        GitRefError.TooLong => "is longer than 255 characters",
        GitRefError.LeadingDash => "starts with '-' (looks like an option)",
        GitRefError.ControlCharacter => "contains a control character or whitespace",
        GitRefError.ForbiddenCharacter => "contains one of ~ ^ : ? * [ \\ (revision syntax is not accepted)",
        GitRefError.DotDot => "contains '..'",
        GitRefError.BadComponent => "has an empty component, a component starting with '.', or ends with '.', '/' or '.lock'",
        GitRefError.ReflogSyntax => "contains '@{' (reflog syntax is not accepted)",
        _ => "is valid",
    };
}
