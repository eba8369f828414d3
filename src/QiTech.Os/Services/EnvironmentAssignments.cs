using QiTech.Os.Config;

namespace QiTech.Os.Services;

/// <summary>
/// The two ways a unit sets variables: <c>Environment="A=1 2" B=3</c> (quoted words, each an
/// assignment) and <c>EnvironmentFile=</c> (one <c>KEY=VALUE</c> per line, '#'/';' comments,
/// optional quotes).
/// </summary>
public static class EnvironmentAssignments
{
    /// <summary>Parses one <c>Environment=</c> value; null cause means success.</summary>
    public static List<KeyValuePair<string, string>> ParseDirective(string value, out string? cause)
    {
        cause = null;
        var result = new List<KeyValuePair<string, string>>();
        if (!ExecLineSplitter.TryUnquote(value, out var words, out var error))
        {
            if (error != ExecLineError.Empty)
            {
                cause = $"Environment= cannot be split: {error}";
            }
            return result;
        }
        foreach (var word in words)
        {
            var eq = word.IndexOf('=');
            if (eq <= 0 || !ExecLineSplitter.IsName(word.AsSpan(0, eq)))
            {
                cause = $"Environment= assignment '{word}' is not NAME=VALUE";
                return result;
            }
            result.Add(new(word[..eq], word[(eq + 1)..]));
        }
        return result;
    }

    /// <summary>Parses an environment file's text; <paramref name="fileName"/> names errors.</summary>
    public static List<KeyValuePair<string, string>> ParseFile(string text, string fileName)
    {
        var result = new List<KeyValuePair<string, string>>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }
            var eq = line.IndexOf('=');
            if (eq <= 0 || !ExecLineSplitter.IsName(line.AsSpan(0, eq).Trim()))
            {
                throw new UnitFileException($"{fileName}:{n + 1}", "expected NAME=VALUE");
            }
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0])
            {
                value = value[0] == '"' ? UnescapeDoubleQuoted(value[1..^1]) : value[1..^1];
            }
            result.Add(new(line[..eq].Trim(), value));
        }
        return result;
    }

    /// <summary>
    /// As systemd reads a double-quoted value: a backslash before one of <c>" \ ` $</c> stands for
    /// that character (how qitech-os-release writes a '$' in a tag), before anything else it stays.
    /// </summary>
    private static string UnescapeDoubleQuoted(string quoted)
    {
        var sb = new System.Text.StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            if (quoted[i] == '\\' && i + 1 < quoted.Length && quoted[i + 1] is '"' or '\\' or '`' or '$')
            {
                i++;
            }
            sb.Append(quoted[i]);
        }
        return sb.ToString();
    }
}
