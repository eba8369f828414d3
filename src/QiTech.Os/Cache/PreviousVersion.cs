using System.Globalization;
using System.Text;
using QiTech.Os.Nix;

namespace QiTech.Os.Cache;

/// <summary>
/// The last NAR a cache received for a store path's name without its version (Nix's
/// <c>DrvName</c> split): the next push of that name writes blobs only for the contents this
/// one lacks, so a machine on any version pushed before fetches the files that changed since
/// as blobs. A hint, not trusted: a push that finds none, or one it cannot read, writes no
/// blobs, and its machines fetch the whole NAR. Format: <c>sha256:&lt;base16&gt; &lt;NarSize&gt;\n</c>.
/// </summary>
internal readonly record struct PreviousVersion(Sha256Digest NarHash, long NarSize)
{
    private const int MaxSize = 128;

    /// <summary>Where a cache keeps it: by the SHA-256 of the name, so that no name's characters reach a URL.</summary>
    public static string FileName(StorePath path) =>
        $"qitech/latest/{Sha256Digest.Of(Encoding.UTF8.GetBytes(NameWithoutVersion(path.Name))).ToBase32()}";

    /// <summary>As Nix splits a name: the version starts after the first dash that a non-letter follows.</summary>
    public static string NameWithoutVersion(string name)
    {
        for (var i = 0; i + 1 < name.Length; i++)
        {
            if (name[i] == '-' && !char.IsAsciiLetter(name[i + 1]))
            {
                return name[..i];
            }
        }
        return name;
    }

    public string Render() => $"{NarHash.ToTypedBase16()} {NarSize.ToString(CultureInfo.InvariantCulture)}\n";

    /// <summary>The pointer a cache holds, or null when it has none or an unreadable one.</summary>
    public static async Task<PreviousVersion?> ReadAsync(ICacheTransport cache, StorePath path, CancellationToken cancel)
    {
        await using var stream = await cache.OpenReadAsync(FileName(path), cancel);
        if (stream is null)
        {
            return null;
        }
        var bytes = new byte[MaxSize + 1];
        var n = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancel);
        var parts = Encoding.ASCII.GetString(bytes, 0, Math.Min(n, MaxSize)).TrimEnd('\n').Split(' ');
        return n <= MaxSize && parts.Length == 2 && Sha256Digest.TryParse(parts[0], out var narHash)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var narSize)
            ? new PreviousVersion(narHash, narSize)
            : null;
    }
}
