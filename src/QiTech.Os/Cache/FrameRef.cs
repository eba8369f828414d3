using System.Globalization;
using System.Text.RegularExpressions;
using QiTech.Os.Nix;

namespace QiTech.Os.Cache;

/// <summary>
/// A large file's blob kept inside a compressed NAR rather than beside it: the NAR's file in the
/// cache and the byte range of the zstd frame that holds exactly that file's contents
/// (<see cref="FramedNarWriter"/> writes such frames). A machine reads the range alone; so the
/// cache holds those bytes once, for Nix clients and the file layer both. A reference is not
/// trusted: what it leads to is checked against the content's hash like any blob.
/// </summary>
/// <remarks>Format: one line, <c>nar/&lt;hash&gt;.nar.zst OFFSET LENGTH</c>, decimal.</remarks>
public readonly partial record struct FrameRef(string NarFile, long Offset, long Length)
{
    /// <summary>A reference is one short line: anything longer is not one.</summary>
    public const int MaxSize = 256;

    /// <summary>Where a content's reference lives in a cache, beside where its blob would.</summary>
    public static string FileName(Sha256Digest content) => $"qitech/files/{content.ToBase32()}.ref";

    public string Render() => string.Create(CultureInfo.InvariantCulture, $"{NarFile} {Offset} {Length}\n");

    /// <summary>Reads a reference; <paramref name="place"/> names it in the error.</summary>
    public static FrameRef Parse(string text, string place)
    {
        var match = Line().Match(text);
        return match.Success
            && long.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            && long.TryParse(match.Groups[3].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            && length > 0
            ? new FrameRef(match.Groups[1].Value, offset, length)
            : throw new CacheException($"{place}: not a frame reference ('nar/<hash>.nar.zst OFFSET LENGTH')");
    }

    // Only a compressed NAR of this cache: never a path that leaves it.
    [GeneratedRegex(@"\A(nar/[0-9abcdfghijklmnpqrsvwxyz]{52}\.nar\.zst) ([0-9]{1,18}) ([0-9]{1,18})\n?\z")]
    private static partial Regex Line();
}
