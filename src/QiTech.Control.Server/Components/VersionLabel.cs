namespace QiTech.Control.Server.Components;

/// <summary>
/// The name a version is shown by: its abbreviation (exact tag, else branch, else short hash),
/// and where the operator chose it by another name, both ("feature/x = v1.2").
/// </summary>
public static class VersionLabel
{
    public static string Of(string? chosen, string? abbreviation)
    {
        var label = string.IsNullOrEmpty(abbreviation) ? "unknown" : abbreviation;
        // A commit chosen by its hash is labelled by a shorter form of it: nothing to add then.
        return string.IsNullOrEmpty(chosen) || chosen == label || (IsHex(chosen) && (chosen.StartsWith(label, StringComparison.Ordinal) || label.StartsWith(chosen, StringComparison.Ordinal)))
            ? label
            : $"{chosen} = {label}";
    }

    private static bool IsHex(string text) => text.All(char.IsAsciiHexDigitLower);
}
