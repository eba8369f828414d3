using System.Globalization;
using System.Text;

namespace QiTech.Os.Config;

/// <summary>What the generated files' checks share: finding and showing characters no line-based format can hold.</summary>
public static class TextChecks
{
    /// <summary>"a control character (U+001B)" for the first control character other than a tab, or null.</summary>
    public static string? ControlCharacter(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && c != '\t')
            {
                return $"a control character (U+{(int)c:X4})";
            }
        }
        return null;
    }

    /// <summary>The text for a message: control characters shown as \uXXXX, so a message stays one line.</summary>
    public static string Printable(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
