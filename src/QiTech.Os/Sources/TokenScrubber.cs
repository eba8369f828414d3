namespace QiTech.Os.Sources;

/// <summary>
/// Replaces the source's token in text bound for a log, an error or an answer, without
/// handing the token out. Git's own output is scrubbed where it is read; this is the last
/// line of defence for everything else a job tells.
/// </summary>
public sealed class TokenScrubber
{
    private readonly string? _token;

    internal TokenScrubber(string? token) => _token = token;

    public bool Finds(string text) => !string.IsNullOrEmpty(_token) && text.Contains(_token, StringComparison.Ordinal);

    public string Scrub(string text) => Finds(text) ? text.Replace(_token!, "***", StringComparison.Ordinal) : text;
}
