using System.Security.Cryptography;
using QiTech.Os.Nix;

namespace QiTech.Os.Base;

/// <summary>
/// Downloaded .debs kept outside any work tree, each named by its SHA-256, so a second build
/// of the same lock (another clone, another CI run on the same machine) downloads nothing.
/// A file is trusted only after its hash is checked again; one that no longer matches is
/// dropped and fetched anew.
/// </summary>
public sealed class DebCache(string directory)
{
    public string Directory { get; } = directory;

    /// <summary><c>$QITECH_DEB_CACHE</c>, else <c>$XDG_CACHE_HOME/qitech-os/debs</c>, else <c>~/.cache/qitech-os/debs</c>.</summary>
    public static DebCache Default()
    {
        var explicitDir = Environment.GetEnvironmentVariable("QITECH_DEB_CACHE");
        if (!string.IsNullOrEmpty(explicitDir))
        {
            return new DebCache(explicitDir);
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new DebCache(Path.Combine(root, "qitech-os", "debs"));
    }

    public string PathOf(Sha256Digest sha) => Path.Combine(Directory, sha.ToBase16() + ".deb");

    /// <summary>The cached file with this hash, checked; null when absent or damaged (then removed).</summary>
    public string? TryGet(Sha256Digest sha)
    {
        var path = PathOf(sha);
        if (!File.Exists(path))
        {
            return null;
        }
        using (var file = File.OpenRead(path))
        {
            if (new Sha256Digest(SHA256.HashData(file)) == sha)
            {
                return path;
            }
        }
        File.Delete(path);
        return null;
    }

    /// <summary>Puts a file whose hash the caller checked under its name (temp + rename: never a partial entry).</summary>
    public string Put(string file, Sha256Digest sha)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var target = PathOf(sha);
        var temp = target + ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        File.Copy(file, temp);
        File.Move(temp, target, overwrite: true);
        return target;
    }

    /// <summary>A file to download into; <see cref="Commit"/> names it by its hash, or delete it.</summary>
    public string NewTempFile()
    {
        System.IO.Directory.CreateDirectory(Directory);
        return Path.Combine(Directory, "download-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp");
    }

    public string Commit(string tempFile, Sha256Digest sha)
    {
        var target = PathOf(sha);
        File.Move(tempFile, target, overwrite: true);
        return target;
    }
}
