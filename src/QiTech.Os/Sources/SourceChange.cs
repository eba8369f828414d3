using QiTech.Os.Errors;
using QiTech.Os.Store;

namespace QiTech.Os.Sources;

/// <summary>
/// Setting the machine's update source: checked with git first, stored only when git can use it.
/// <see cref="TokenCleared"/>: a token set for another origin was cleared; <see cref="Check"/>: why
/// git could not read the stored source (it asks for credentials), else null.
/// </summary>
public sealed record SourceChange(SourceUrl Url, bool TokenCleared, string? Check)
{
    /// <summary>
    /// Asks the remote (git ls-remote) before storing <paramref name="url"/>. A source git cannot
    /// reach or finds no repository at is refused with git's whole reason and nothing changes on
    /// disk (an offline machine installs from a bundle instead). One that asks for credentials is
    /// stored: its token can only be set once it is the source.
    /// </summary>
    public static async Task<SourceChange> ApplyAsync(SystemLayout layout, SourceUrl url, CancellationToken cancel)
    {
        string? check = null;
        try
        {
            await GitSource.Open(layout, url).CheckAsync(cancel);
        }
        catch (SourceException e) when (e.AuthenticationFailed)
        {
            check = e.Message;
        }
        catch (SourceException e)
        {
            throw new BadInputException($"url: {e.Message}; nothing was saved");
        }
        var file = SourceSettings.OverrideFile(layout);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        // Written beside and renamed, so a reader never sees half a URL.
        File.WriteAllText(file + ".new", url.Url + "\n");
        File.Move(file + ".new", file, overwrite: true);
        // The token stays with the origin it was set for: a source elsewhere clears it.
        var cleared = new SourceTokenStore(layout).ClearUnlessFor(url);
        return new SourceChange(url, cleared, check);
    }

    /// <summary>The source stored for the machine (not the configured or built-in fallbacks), or null.</summary>
    public static string? Stored(SystemLayout layout)
    {
        var file = SourceSettings.OverrideFile(layout);
        return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
    }
}
