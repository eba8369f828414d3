using System.Text;

namespace QiTech.Os.Sources;

/// <summary>
/// <c>KEY=value</c> lines with os-release(5)'s quoting, the one rule for the files a system
/// closure carries for its own programs (<c>qitech-os-release</c>, <c>update-settings</c>): a
/// value is shell-quoted, so the file can be sourced by a shell and read by systemd's and
/// Python's os-release parsers alike.
/// </summary>
public static class ShellAssignments
{
    /// <summary>One line per assignment, in the given order.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> assignments)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in assignments)
        {
            text.Append(key).Append('=').Append(Quote(value)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// A plain word stays bare (what files written so far hold); anything else is double-quoted
    /// with <c>\ " $ `</c> escaped. A line break becomes a space: one assignment, one line.
    /// </summary>
    public static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "._:/+@-".Contains(c))
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
                .Replace("$", "\\$", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// The assignments of <paramref name="text"/>, read as a shell reads them: double quotes
    /// (where a backslash escapes <c>\ " $ `</c>), single quotes (literal), and outside quotes a
    /// backslash escapes any character. Blank lines, comments and lines without '=' are skipped;
    /// a later assignment wins; a quote left open runs to the end of its line.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').TrimStart();
            var eq = line.IndexOf('=');
            if (line.Length == 0 || line[0] == '#' || eq <= 0)
            {
                continue;
            }
            values[line[..eq].TrimEnd()] = Unquote(line[(eq + 1)..]);
        }
        return values;
    }

    private static string Unquote(string value)
    {
        var result = new StringBuilder();
        var trailingSpaces = 0; // unquoted whitespace at the end is not part of the value
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\'')
            {
                var end = value.IndexOf('\'', i + 1);
                end = end < 0 ? value.Length : end;
                result.Append(value, i + 1, end - i - 1);
                i = end;
                trailingSpaces = 0;
            }
            else if (c == '"')
            {
                for (i++; i < value.Length && value[i] != '"'; i++)
                {
                    if (value[i] == '\\' && i + 1 < value.Length && value[i + 1] is '\\' or '"' or '$' or '`')
                    {
                        i++;
                    }
                    result.Append(value[i]);
                }
                trailingSpaces = 0;
            }
            else if (c == '\\' && i + 1 < value.Length)
            {
                result.Append(value[++i]);
                trailingSpaces = 0;
            }
            else
            {
                result.Append(c);
                trailingSpaces = char.IsWhiteSpace(c) ? trailingSpaces + 1 : 0;
            }
        }
        return result.ToString(0, result.Length - trailingSpaces).TrimStart();
    }
}
