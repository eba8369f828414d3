namespace QiTech.Os.Config;

/// <summary>Why an <c>ExecStart=</c> command line cannot be split into words.</summary>
public enum ExecLineError
{
    None,
    Empty,
    UnterminatedQuote,
    TrailingBackslash,
    BadEscape,
}
