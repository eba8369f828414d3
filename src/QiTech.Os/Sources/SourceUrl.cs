namespace QiTech.Os.Sources;

/// <summary>
/// Where an update source lives: an https/http/ssh/git/file URL, an scp-like
/// <c>user@host:path</c>, or an absolute local path. Checked before git sees it: nothing
/// shaped as an option, no <c>transport::</c> helpers or unknown schemes (which make git
/// run programs), no credentials (the token is kept apart), no <c>..</c>.
/// </summary>
public readonly record struct SourceUrl
{
    public const int MaxLength = 2048;
    private static readonly string[] Schemes = ["https", "http", "ssh", "git", "file"];

    private SourceUrl(string url) => Url = url;

    /// <summary>The URL as given; it never holds a secret.</summary>
    public string Url { get; }

    /// <summary>True for transports that may ask for a user name and password (the token).</summary>
    public bool IsHttp => Url.StartsWith("https://", StringComparison.Ordinal) || Url.StartsWith("http://", StringComparison.Ordinal);

    /// <summary>The host and port of a URL with a scheme, as written (git names it so in its prompts); empty otherwise.</summary>
    internal string Authority
    {
        get
        {
            var start = Url.IndexOf("://", StringComparison.Ordinal);
            if (start < 0)
            {
                return "";
            }
            var rest = Url[(start + 3)..];
            var slash = rest.IndexOf('/');
            return slash < 0 ? rest : rest[..slash];
        }
    }

    /// <summary>Scheme, host and port of an http or https source; null for ssh, git, file and local paths.</summary>
    public SourceOrigin? Origin => IsHttp && SourceOrigin.TryOf(Url, out var origin) ? origin : null;

    public static bool TryParse(string? text, out SourceUrl url, out SourceUrlError error)
    {
        url = default;
        error = Check(text);
        if (error != SourceUrlError.None)
        {
            return false;
        }
        url = new SourceUrl(text!);
        return true;
    }

    public static SourceUrl ParseInput(string? text, string place = "source URL") =>
        TryParse(text, out var url, out var error)
            ? url
            : throw new Errors.BadInputException($"{place} '{GitRefName.Printable(text)}' {error.Describe()}");

    private static SourceUrlError Check(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return SourceUrlError.Empty;
        }
        if (text.Length > MaxLength)
        {
            return SourceUrlError.TooLong;
        }
        if (text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return SourceUrlError.ControlCharacter;
        }
        if (text[0] == '-')
        {
            return SourceUrlError.LeadingDash;
        }
        if (text.Contains("::"))
        {
            return SourceUrlError.TransportHelper;
        }
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        string path;
        if (schemeEnd >= 0)
        {
            var scheme = text[..schemeEnd];
            if (!Schemes.Contains(scheme))
            {
                return SourceUrlError.UnsupportedScheme;
            }
            var rest = text[(schemeEnd + 3)..];
            var slash = rest.IndexOf('/');
            var authority = slash < 0 ? rest : rest[..slash];
            path = slash < 0 ? "" : rest[slash..];
            if (scheme == "file")
            {
                if (authority.Length != 0)
                {
                    return SourceUrlError.BadHost;
                }
            }
            else
            {
                var at = authority.LastIndexOf('@');
                if (at >= 0 && scheme is "https" or "http")
                {
                    return SourceUrlError.CredentialsInUrl;
                }
                if (at >= 0 && authority[..at].Contains(':'))
                {
                    return SourceUrlError.CredentialsInUrl;
                }
                var host = at >= 0 ? authority[(at + 1)..] : authority;
                if (host.Length == 0 || host[0] == '-' || (at >= 0 && (at == 0 || authority[0] == '-')))
                {
                    return SourceUrlError.BadHost;
                }
            }
        }
        else if (text[0] == '/')
        {
            path = text;
        }
        else
        {
            // scp-like user@host:path; a ':' after a '/' would make it a relative path to git.
            var colon = text.IndexOf(':');
            var firstSlash = text.IndexOf('/');
            if (colon <= 0 || (firstSlash >= 0 && firstSlash < colon))
            {
                return SourceUrlError.RelativePath;
            }
            var userHost = text[..colon];
            var at = userHost.LastIndexOf('@');
            var host = at >= 0 ? userHost[(at + 1)..] : userHost;
            if (host.Length == 0 || host[0] == '-' || at == 0)
            {
                return SourceUrlError.BadHost;
            }
            path = text[(colon + 1)..];
            if (path.StartsWith('-'))
            {
                return SourceUrlError.LeadingDash;
            }
        }
        return path.Split('/').Contains("..") ? SourceUrlError.DotDot : SourceUrlError.None;
    }

    public override string ToString() => Url ?? "";
}
