using System.Globalization;

namespace QiTech.Os.Generations;

/// <summary>
/// The number of a generation of the system profile (<c>system-&lt;N&gt;-link</c>), 1 and up.
/// </summary>
public readonly record struct GenerationNumber : IComparable<GenerationNumber>
{
    public GenerationNumber(int value)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "a generation number is 1 or more");
        }
        Value = value;
    }

    public int Value { get; }

    public GenerationNumber Next => new(Value + 1);

    /// <summary>Parses decimal digits only: no sign, no spaces, no leading zeros.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out GenerationNumber number, out GenerationNumberError error)
    {
        number = default;
        if (text.IsEmpty)
        {
            error = GenerationNumberError.Empty;
            return false;
        }
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                error = GenerationNumberError.NotDigits;
                return false;
            }
        }
        if (text[0] == '0' || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            error = text[0] == '0' ? GenerationNumberError.Zero : GenerationNumberError.TooLarge;
            return false;
        }
        error = GenerationNumberError.None;
        number = new GenerationNumber(value);
        return true;
    }

    public int CompareTo(GenerationNumber other) => Value.CompareTo(other.Value);

    public static bool operator <(GenerationNumber a, GenerationNumber b) => a.Value < b.Value;

    public static bool operator >(GenerationNumber a, GenerationNumber b) => a.Value > b.Value;

    public static bool operator <=(GenerationNumber a, GenerationNumber b) => a.Value <= b.Value;

    public static bool operator >=(GenerationNumber a, GenerationNumber b) => a.Value >= b.Value;

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Why a text is not a generation number.</summary>
public enum GenerationNumberError
{
    None,
    Empty,
    NotDigits,
    Zero,
    TooLarge,
}

public static class GenerationNumberErrorText
{
    public static string Describe(this GenerationNumberError error) => error switch
    {
        GenerationNumberError.Empty => "is empty",
        GenerationNumberError.NotDigits => "is not a number (digits only)",
        GenerationNumberError.Zero => "starts with 0 (generations count from 1)",
        GenerationNumberError.TooLarge => "is too large for a generation number",
        _ => "is valid",
    };
}
