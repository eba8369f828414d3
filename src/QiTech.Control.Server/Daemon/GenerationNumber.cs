using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace QiTech.Control.Server.Daemon;

/// <summary>The number of a system generation (1, 2, …), as in <c>system-N-link</c>.</summary>
public readonly record struct GenerationNumber
{
    public GenerationNumber(int value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
        Value = value;
    }

    public int Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? text, out GenerationNumber number)
    {
        number = default;
        if (text is null || text.Length is 0 or > 9 || !text.All(char.IsAsciiDigit)
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            return false;
        }
        number = new GenerationNumber(value);
        return true;
    }

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
