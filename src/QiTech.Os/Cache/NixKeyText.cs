using QiTech.Os.Errors;

namespace QiTech.Os.Cache;

/// <summary>The <c>NAME:BASE64</c> text form Nix uses for keys and signatures.</summary>
internal static class NixKeyText
{
    public static (string Name, byte[] Bytes) Split(string text, string place, string what)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new BadInputException($"{place}: not a {what} (expected NAME:BASE64)");
        }
        var name = text[..colon];
        if (name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new BadInputException($"{place}: a {what}'s name must not contain whitespace or control characters");
        }
        try
        {
            return (name, Convert.FromBase64String(text[(colon + 1)..]));
        }
        catch (FormatException)
        {
            throw new BadInputException($"{place}: the {what} after '{name}:' is not base64");
        }
    }

    public static void CheckName(string name)
    {
        if (name.Length == 0 || name.Contains(':', StringComparison.Ordinal) || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new BadInputException($"key name '{name}': must be non-empty, without ':', whitespace or control characters (e.g. cache.example.com-1)");
        }
    }
}
