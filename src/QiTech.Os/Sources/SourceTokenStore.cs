using System.Text;
using QiTech.Os.Store;

namespace QiTech.Os.Sources;

/// <summary>
/// The access token for a private update source, kept in one root-only (0600) file under
/// the service state directory together with the origin (scheme, host, port) of the https
/// source it was set for. Git gets it only for a source of that origin, so changing the source
/// to another host, or to plain http, never sends it there. Written to a temporary file with
/// the final mode first and renamed, so no reader ever sees it with wider permissions.
/// </summary>
public sealed class SourceTokenStore(SystemLayout layout)
{
    public string TokenFile => layout.ServiceStateDir + "/update-token";

    public bool HasToken => File.Exists(TokenFile);

    /// <summary>The origin the stored token belongs to; null without a token, or for a token stored without one.</summary>
    public SourceOrigin? Origin => ReadFile() is { Origin: { } origin } ? origin : null;

    /// <summary>Replaces the token with one for <paramref name="source"/>, which must be an https source.</summary>
    public void Set(string token, SourceUrl source)
    {
        token = token.Trim();
        if (token.Length == 0 || token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            // Never echo the token itself.
            throw new Errors.BadInputException("access token is empty or contains whitespace or control characters");
        }
        var origin = source.Origin;
        if (origin is not { IsHttps: true } https)
        {
            throw new Errors.BadInputException(origin is null
                ? $"source '{source}': a token is only used with an https:// source; this one needs none"
                : $"source '{source}': a token is never sent over plain http; use the source's https:// URL");
        }
        Directory.CreateDirectory(layout.ServiceStateDir);
        var temp = TokenFile + ".tmp-" + Environment.ProcessId;
        File.Delete(temp);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(Encoding.UTF8.GetBytes(https + "\n" + token + "\n"));
            stream.Flush(flushToDisk: true);
        }
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, TokenFile, overwrite: true);
    }

    public void Clear() => File.Delete(TokenFile);

    /// <summary>
    /// Clears the token unless it belongs to <paramref name="source"/>'s origin; true when one
    /// was cleared. Called when the machine's source changes: the token stays with its host.
    /// </summary>
    public bool ClearUnlessFor(SourceUrl source)
    {
        if (!HasToken || TokenFor(source) != null)
        {
            return false;
        }
        Clear();
        return true;
    }

    /// <summary>Something that hides the current token in text, without giving it out.</summary>
    public TokenScrubber Scrubber() => new(ReadFile()?.Token);

    /// <summary>The token for a source of the origin it was set for; null for any other source, or when none is set.</summary>
    internal string? TokenFor(SourceUrl source) =>
        ReadFile() is { Origin: { IsHttps: true } origin, Token: var token } && source.Origin == origin ? token : null;

    /// <summary>The file's origin line and token; a file of one line is a token stored before tokens had an origin, used for none.</summary>
    private (SourceOrigin? Origin, string Token)? ReadFile()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(TokenFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            // A caller who may not read the file works without the token.
            return null;
        }
        return lines switch
        {
            [var token] => (null, token),
            [var origin, var token] when SourceOrigin.TryParse(origin, out var parsed) => (parsed, token),
            _ => null,
        };
    }
}
