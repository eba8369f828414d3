namespace QiTech.Os.Config;

/// <summary>
/// Puts a local file or directory (a prebuilt package, an etc source) into the store and
/// says where, as Nix copies a path literal when it is evaluated. Implementations remember
/// each path, so asking twice costs nothing.
/// </summary>
public interface ILocalPathImporter
{
    /// <summary>The full store path, e.g. <c>/qitech/store/&lt;hash&gt;-server</c>.</summary>
    string Import(LocalPath path);
}
