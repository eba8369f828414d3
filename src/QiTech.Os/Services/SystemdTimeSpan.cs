using System.Globalization;

namespace QiTech.Os.Services;

/// <summary>
/// systemd time spans ("90", "5s", "500ms", "1min 30s", "infinity"): a bare number is seconds.
/// </summary>
public static class SystemdTimeSpan
{
    private static readonly (string Unit, double Seconds)[] Units =
    [
        ("usec", 1e-6), ("us", 1e-6), ("μs", 1e-6),
        ("msec", 1e-3), ("ms", 1e-3),
        ("seconds", 1), ("second", 1), ("sec", 1), ("s", 1),
        ("minutes", 60), ("minute", 60), ("min", 60), ("m", 60),
        ("hours", 3600), ("hour", 3600), ("hr", 3600), ("h", 3600),
        ("days", 86400), ("day", 86400), ("d", 86400),
    ];

    /// <summary>Parses <paramref name="text"/>; <paramref name="value"/> is null for "infinity".</summary>
    public static bool TryParse(string text, out TimeSpan? value)
    {
        value = null;
        var rest = text.Trim();
        if (rest == "infinity")
        {
            return true;
        }
        if (rest.Length == 0)
        {
            return false;
        }
        double total = 0;
        while (rest.Length > 0)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }
            if (digits == 0 || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }
            rest = rest[digits..].TrimStart();
            var unitLength = 0;
            while (unitLength < rest.Length && char.IsLetter(rest[unitLength]) || unitLength < rest.Length && rest[unitLength] == 'μ')
            {
                unitLength++;
            }
            var unit = rest[..unitLength];
            rest = rest[unitLength..].TrimStart();
            if (unit.Length == 0)
            {
                total += number;
                continue;
            }
            var match = Array.FindIndex(Units, u => u.Unit == unit);
            if (match < 0)
            {
                return false;
            }
            total += number * Units[match].Seconds;
        }
        value = TimeSpan.FromSeconds(total);
        return true;
    }
}
