using System.Diagnostics.CodeAnalysis;

namespace QiTech.Control.Server.Daemon;

/// <summary>
/// A service unit name ("qitech-control-server.service"). Checked once so that it can go
/// into a daemon URL path without escaping surprises.
/// </summary>
public readonly record struct UnitName
{
    private UnitName(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? text, out UnitName unit)
    {
        unit = default;
        if (string.IsNullOrEmpty(text) || text.Length > 255 || text[0] == '.' || text.Contains(".."))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@' or ':'))
            {
                return false;
            }
        }
        unit = new UnitName(text);
        return true;
    }

    public override string ToString() => Value ?? "";
}
