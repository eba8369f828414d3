using QiTech.Os.Build;
using QiTech.Os.Nix;

namespace QiTech.Os.Config;

/// <summary>
/// Puts a local file or directory (a prebuilt package, an etc source, a package's source)
/// into the store and says where, as Nix copies a path literal when it is evaluated.
/// Implementations remember each path, so asking twice costs nothing.
/// </summary>
public interface ILocalPathImporter
{
    /// <summary>The logical store directory the paths are in.</summary>
    StoreDirectory StoreDir { get; }

    /// <summary>The full store path, e.g. <c>/qitech/store/&lt;hash&gt;-server</c>; a source directory's as <see cref="ImportSource"/>.</summary>
    string Import(LocalPath path);

    /// <summary>
    /// A package's source directory as a store path named <c>source</c>: only the files git
    /// would commit when it lies in a work tree (see <see cref="SourceSnapshot"/>); a directory
    /// that is already a store path (an update's commit tree) as it is.
    /// </summary>
    /// <param name="include">Only these relative paths (files or folders) of the source, when given.</param>
    string ImportSource(LocalPath path, IReadOnlyList<string>? include = null);

    /// <summary>Where the files of a (rendered) store path lie on this machine, or null when it is not there (yet).</summary>
    string? Contents(string storePath);
}
