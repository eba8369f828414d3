using System.Text.Json;
using System.Text.RegularExpressions;
using QiTech.Os.Errors;

namespace QiTech.Os.Build;

/// <summary>
/// The .NET SDK version a source pins in its <c>global.json</c> (<c>sdk.version</c>), found as
/// <c>dotnet</c> finds it: in the folder or the nearest one above. A pinned SDK enters a
/// package's derivation by that version, so a machine without the SDK names the same output
/// path as the build machine did and can fetch it from a cache.
/// </summary>
public static partial class DotnetSdkPin
{
    public const string FileName = "global.json";

    /// <summary>The pinned version and the file that pins it, or null when no global.json above <paramref name="folder"/> pins one.</summary>
    public static (string Version, string File)? Find(string folder)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(folder)); dir != null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, FileName);
            if (File.Exists(file))
            {
                // As dotnet: the nearest global.json decides, even when it pins no version.
                return Read(file) is { } version ? (version, file) : null;
            }
        }
        return null;
    }

    /// <summary>The <c>sdk.version</c> of a global.json, or null when it names none.</summary>
    public static string? Read(string file)
    {
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(file);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new BadInputException($"{file}:{e.LineNumber + 1}: not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"{file}: cannot be read: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("sdk", out var sdk) || sdk.ValueKind != JsonValueKind.Object
                || !sdk.TryGetProperty("version", out var version))
            {
                return null;
            }
            // The version enters the derivation as name@version:path.
            return version.ValueKind == JsonValueKind.String && version.GetString() is { } text && VersionPattern().IsMatch(text)
                ? text
                : throw new BadInputException($"{file}: sdk.version must be an SDK version such as 10.0.100, not {version.GetRawText()}");
        }
    }

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(-[A-Za-z0-9.]+)?$")]
    private static partial Regex VersionPattern();
}
