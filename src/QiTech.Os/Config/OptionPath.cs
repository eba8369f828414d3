using System.Collections.Immutable;

namespace QiTech.Os.Config;

/// <summary>
/// The path of an option or of a value inside one, e.g. <c>users.users.qitech.extraGroups</c>.
/// Segments that are not plain identifiers are quoted when shown, as NixOS does
/// (<c>environment.etc."nftables/x.conf".text</c>).
/// </summary>
public readonly record struct OptionPath
{
    private readonly ImmutableArray<string> segments;

    public OptionPath(ImmutableArray<string> segments) => this.segments = segments;

    public static OptionPath Root => new(ImmutableArray<string>.Empty);

    public ImmutableArray<string> Segments => segments.IsDefault ? ImmutableArray<string>.Empty : segments;

    public int Length => Segments.Length;

    public bool IsRoot => Length == 0;

    public string Last => Segments[^1];

    public OptionPath Append(string segment) => new(Segments.Add(segment));

    public OptionPath Parent => new(Segments.RemoveAt(Length - 1));

    /// <summary>Parses a dotted path of plain identifiers; quoted segments are allowed ("a.b".c).</summary>
    public static OptionPath Parse(string dotted)
    {
        var parts = ImmutableArray.CreateBuilder<string>();
        var i = 0;
        while (i < dotted.Length)
        {
            if (dotted[i] == '"')
            {
                var end = dotted.IndexOf('"', i + 1);
                if (end < 0)
                {
                    throw new ArgumentException($"unterminated quote in option path '{dotted}'", nameof(dotted));
                }
                parts.Add(dotted[(i + 1)..end]);
                i = end + 2;
            }
            else
            {
                var end = dotted.IndexOf('.', i);
                if (end < 0)
                {
                    end = dotted.Length;
                }
                parts.Add(dotted[i..end]);
                i = end + 1;
            }
        }
        return new OptionPath(parts.ToImmutable());
    }

    // List indices (all digits) are shown plain: networking.firewall.allowedTCPPorts.1.
    public static bool IsPlainSegment(string s) =>
        s.Length > 0 && (s.All(char.IsAsciiDigit) || !char.IsDigit(s[0])) && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '\'' or '<' or '>' or '*');

    public bool Equals(OptionPath other) => Segments.SequenceEqual(other.Segments, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var s in Segments)
        {
            h.Add(s, StringComparer.Ordinal);
        }
        return h.ToHashCode();
    }

    // Control characters are shown escaped, so a message naming the path stays one line.
    public override string ToString() =>
        string.Join('.', Segments.Select(s => IsPlainSegment(s) ? s : "\"" + TextChecks.Printable(s.Replace("\"", "\\\"")) + "\""));
}
