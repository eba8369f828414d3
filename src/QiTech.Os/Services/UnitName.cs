namespace QiTech.Os.Services;

/// <summary>Unit names as users type them: "server" means "server.service".</summary>
public static class UnitName
{
    /// <summary>Accepts letters, digits and <c>:_.@-</c>, adds ".service" when no suffix is given.</summary>
    public static bool TryNormalize(string? text, out string unit)
    {
        unit = "";
        if (string.IsNullOrEmpty(text) || text.Length > 255 || text.StartsWith('.'))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not (':' or '_' or '.' or '@' or '-' or '\\'))
            {
                return false;
            }
        }
        unit = text.EndsWith(".service", StringComparison.Ordinal) ? text : text + ".service";
        return true;
    }

    /// <summary>Throws <see cref="Errors.BadInputException"/> naming the text when it is not a unit name.</summary>
    public static string Normalize(string? text) =>
        TryNormalize(text, out var unit)
            ? unit
            : throw new Errors.BadInputException($"'{text}' is not a unit name (letters, digits and :_.@- only)");
}
