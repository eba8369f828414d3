using System.Text;
using QiTech.Os.Platform;

namespace QiTech.Os.Sources;

/// <summary>
/// The access token for a private update source, kept in one root-only (0600) file under
/// the service state directory. Written to a temporary file with the final mode first and
/// renamed, so no reader ever sees it with wider permissions.
/// </summary>
public sealed class SourceTokenStore(SystemLayout layout)
{
    public string TokenFile => layout.ServiceStateDir + "/update-token";

    public bool HasToken => File.Exists(TokenFile);

    /// <summary>Replaces the token. It must be one line of printable characters.</summary>
    public void Set(string token)
    {
        token = token.Trim();
        if (token.Length == 0 || token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            // Never echo the token itself.
            throw new Errors.BadInputException("access token is empty or contains whitespace or control characters");
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
            stream.Write(Encoding.UTF8.GetBytes(token));
            stream.Flush(flushToDisk: true);
        }
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, TokenFile, overwrite: true);
    }

    public void Clear() => File.Delete(TokenFile);

    /// <summary>Something that hides the current token in text, without giving it out.</summary>
    public TokenScrubber Scrubber() => new(Read());

    /// <summary>The token, or null when none is set.</summary>
    internal string? Read()
    {
        try
        {
            var token = File.ReadAllText(TokenFile).Trim();
            return token.Length == 0 ? null : token;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}
