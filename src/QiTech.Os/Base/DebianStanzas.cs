namespace QiTech.Os.Base;

/// <summary>
/// Reads Debian's control-file format (deb822: <c>Packages</c> indexes, dpkg's
/// <c>status</c>, a .deb's control): paragraphs of <c>Field: value</c> lines, continuation
/// lines starting with a space, paragraphs separated by blank lines. Field names are
/// case-insensitive; a value keeps its continuation lines joined by newlines.
/// </summary>
public static class DebianStanzas
{
    public static IEnumerable<IReadOnlyDictionary<string, string>> Parse(TextReader reader)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.All(char.IsWhiteSpace))
            {
                if (fields.Count > 0)
                {
                    yield return fields;
                    fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                }
                last = null;
                continue;
            }
            if (line[0] is ' ' or '\t')
            {
                if (last != null)
                {
                    fields[last] += "\n" + line;
                }
                continue;
            }
            if (line[0] == '#')
            {
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            last = line[..colon];
            fields[last] = line[(colon + 1)..].Trim();
        }
        if (fields.Count > 0)
        {
            yield return fields;
        }
    }

    public static IEnumerable<IReadOnlyDictionary<string, string>> ParseFile(string path)
    {
        using var reader = new StreamReader(path);
        foreach (var stanza in Parse(reader))
        {
            yield return stanza;
        }
    }
}
