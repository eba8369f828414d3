namespace QiTech.Os.Sources;

/// <summary>Why a text is not an acceptable update source URL.</summary>
public enum SourceUrlError
{
    None,
    Empty,
    TooLong,
    LeadingDash,
    ControlCharacter,
    TransportHelper,
    UnsupportedScheme,
    DotDot,
    CredentialsInUrl,
    BadHost,
    RelativePath,
}

public static class SourceUrlErrorExtensions
{
    public static string Describe(this SourceUrlError error) => error switch
    {
        SourceUrlError.Empty => "is empty",
        SourceUrlError.TooLong => "is longer than 2048 characters",
        SourceUrlError.LeadingDash => "starts with '-' (looks like an option)",
        SourceUrlError.ControlCharacter => "contains a control character or whitespace",
        SourceUrlError.TransportHelper => "uses the 'transport::address' syntax, which runs arbitrary programs",
        SourceUrlError.UnsupportedScheme => "has a scheme other than https, http, ssh, git or file",
        SourceUrlError.DotDot => "contains a '..' path component",
        SourceUrlError.CredentialsInUrl => "carries credentials; set the access token separately instead",
        SourceUrlError.BadHost => "has an empty host or one starting with '-'",
        SourceUrlError.RelativePath => "is a relative path; give an absolute one",
        _ => "is valid",
    };
}
