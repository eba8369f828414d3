using QiTech.Os.Errors;

namespace QiTech.Os.Cache;

/// <summary>
/// Where a binary cache lives: <c>file:///folder</c>, or <c>http(s)://host/path</c> (read with
/// GET; written with PUT). No credentials in the URL: they would end up in logs.
/// </summary>
public sealed record BinaryCacheUrl
{
    private BinaryCacheUrl(Uri uri) => Uri = uri;

    public Uri Uri { get; }

    public bool IsFile => Uri.IsFile;

    public static BinaryCacheUrl Parse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("file" or "http" or "https"))
        {
            throw new BadInputException($"cache URL '{text}': expected file:///FOLDER, http://HOST/PATH or https://HOST/PATH");
        }
        if (uri.UserInfo.Length > 0)
        {
            throw new BadInputException($"cache URL '{uri.Scheme}://{uri.Host}…': credentials do not belong in the URL");
        }
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new BadInputException($"cache URL '{text}': no query or fragment allowed");
        }
        if (uri.IsFile && (!uri.IsLoopback || !Path.IsPathRooted(uri.LocalPath)))
        {
            throw new BadInputException($"cache URL '{text}': a file URL names a local folder (file:///FOLDER)");
        }
        return new BinaryCacheUrl(uri);
    }

    /// <summary>The URL of a file in the cache (for messages and HTTP).</summary>
    public string Of(string file) => Uri.ToString().TrimEnd('/') + "/" + file;

    public override string ToString() => Uri.ToString();
}
