namespace QiTech.Os.Nix;

/// <summary>
/// The logical store directory (<c>/qitech/store</c>, or <c>/nix/store</c> for compatibility).
/// Store path strings and hashes use it; the physical place is a root plus it.
/// </summary>
public sealed record StoreDirectory
{
    public const string Default = "/qitech/store";

    public StoreDirectory(string path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Length > 1 && path.EndsWith('/')
            || path.Split('/').Any(s => s is "." or ".."))
        {
            throw new ArgumentException($"store directory '{path}' must be an absolute path without '.', '..' or a trailing '/'", nameof(path));
        }
        Path = path;
    }

    public string Path { get; }

    public string Render(StorePath storePath) => Path + "/" + storePath.BaseName;

    /// <summary>Parses a full store path such as <c>/qitech/store/&lt;hash&gt;-name</c>.</summary>
    public bool TryParse(ReadOnlySpan<char> text, out StorePath path, out StorePathError error)
    {
        path = default;
        if (!text.StartsWith(Path, StringComparison.Ordinal) || text.Length <= Path.Length + 1 || text[Path.Length] != '/')
        {
            error = StorePathError.NotInStore;
            return false;
        }
        return StorePath.TryParseBaseName(text[(Path.Length + 1)..], out path, out error);
    }

    /// <summary>
    /// Splits a path that may point inside a store path (<c>/qitech/store/x-foo/bin/sh</c>)
    /// into the store path and the rest.
    /// </summary>
    public bool TryParseWithSubpath(string text, out StorePath path, out string subpath)
    {
        subpath = "";
        path = default;
        if (!text.StartsWith(Path + "/", StringComparison.Ordinal))
        {
            return false;
        }
        var rest = text[(Path.Length + 1)..];
        var slash = rest.IndexOf('/');
        var baseName = slash < 0 ? rest : rest[..slash];
        subpath = slash < 0 ? "" : rest[slash..];
        return StorePath.TryParseBaseName(baseName, out path, out _);
    }

    public override string ToString() => Path;
}
