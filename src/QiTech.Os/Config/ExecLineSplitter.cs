using System.Globalization;
using System.Text;

namespace QiTech.Os.Config;

/// <summary>
/// Splits a command line into words as systemd does for <c>ExecStart=</c>: whitespace
/// separates words, single and double quotes group, C-style backslash escapes, then
/// <c>${VAR}</c> is replaced inside a word and a word that is exactly <c>$VAR</c> becomes
/// the variable's value split at whitespace. No shell is involved.
/// </summary>
public static class ExecLineSplitter
{
    public static bool TryUnquote(string line, out List<string> words, out ExecLineError error)
    {
        words = [];
        error = ExecLineError.None;
        var word = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                i++;
                continue;
            }
            inWord = true;
            if (c is '"' or '\'')
            {
                var close = c;
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        error = ExecLineError.UnterminatedQuote;
                        return false;
                    }
                    if (line[i] == close)
                    {
                        i++;
                        break;
                    }
                    if (line[i] == '\\')
                    {
                        if (!TryEscape(line, ref i, word, out error))
                        {
                            return false;
                        }
                        continue;
                    }
                    word.Append(line[i++]);
                }
                continue;
            }
            if (c == '\\')
            {
                if (!TryEscape(line, ref i, word, out error))
                {
                    return false;
                }
                continue;
            }
            word.Append(c);
            i++;
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        if (words.Count == 0)
        {
            error = ExecLineError.Empty;
            return false;
        }
        return true;
    }

    /// <summary>Splits and substitutes; <paramref name="environment"/> null means no substitution.</summary>
    public static bool TrySplit(string line, IReadOnlyDictionary<string, string>? environment, out List<string> argv, out ExecLineError error)
    {
        argv = [];
        if (!TryUnquote(line, out var words, out error))
        {
            return false;
        }
        if (environment == null)
        {
            argv = words;
            return true;
        }
        foreach (var word in words)
        {
            if (word.Length > 1 && word[0] == '$' && IsName(word.AsSpan(1)))
            {
                var value = environment.GetValueOrDefault(word[1..], "");
                argv.AddRange(value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                continue;
            }
            argv.Add(SubstituteBraced(word, environment));
        }
        if (argv.Count == 0)
        {
            error = ExecLineError.Empty;
            return false;
        }
        return true;
    }

    private static string SubstituteBraced(string word, IReadOnlyDictionary<string, string> environment)
    {
        var result = new StringBuilder();
        var i = 0;
        while (i < word.Length)
        {
            if (word[i] == '$' && i + 1 < word.Length && word[i + 1] == '$')
            {
                result.Append('$');
                i += 2;
                continue;
            }
            if (word[i] == '$' && i + 1 < word.Length && word[i + 1] == '{')
            {
                var close = word.IndexOf('}', i + 2);
                if (close > 0 && IsName(word.AsSpan(i + 2, close - i - 2)))
                {
                    result.Append(environment.GetValueOrDefault(word[(i + 2)..close], ""));
                    i = close + 1;
                    continue;
                }
            }
            result.Append(word[i++]);
        }
        return result.ToString();
    }

    /// <summary>A shell variable name: letters, digits and '_', not starting with a digit.</summary>
    public static bool IsName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || char.IsAsciiDigit(name[0]))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryEscape(string line, ref int i, StringBuilder word, out ExecLineError error)
    {
        error = ExecLineError.None;
        if (i + 1 >= line.Length)
        {
            error = ExecLineError.TrailingBackslash;
            return false;
        }
        var e = line[i + 1];
        i += 2;
        switch (e)
        {
            case 'a': word.Append('\a'); return true;
            case 'b': word.Append('\b'); return true;
            case 'f': word.Append('\f'); return true;
            case 'n': word.Append('\n'); return true;
            case 'r': word.Append('\r'); return true;
            case 't': word.Append('\t'); return true;
            case 'v': word.Append('\v'); return true;
            case 's': word.Append(' '); return true;
            case '\\' or '"' or '\'' or ' ' or '$' or ';': word.Append(e); return true;
            case 'x':
                if (i + 2 <= line.Length && int.TryParse(line.AsSpan(i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
                {
                    word.Append((char)hex);
                    i += 2;
                    return true;
                }
                break;
            case >= '0' and <= '7':
                if (i + 2 <= line.Length && line[i] is >= '0' and <= '7' && line[i + 1] is >= '0' and <= '7')
                {
                    word.Append((char)(((e - '0') << 6) | ((line[i] - '0') << 3) | (line[i + 1] - '0')));
                    i += 2;
                    return true;
                }
                break;
        }
        error = ExecLineError.BadEscape;
        return false;
    }
}
