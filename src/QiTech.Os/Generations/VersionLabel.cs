namespace QiTech.Os.Generations;

/// <summary>
/// The name a version is shown by, in the UI and the CLI alike: its abbreviation (exact tag,
/// else branch, else short hash); where the operator chose it by another name, both
/// ("feature/x = v1.2"); and with the commit that name resolved to, when that is known
/// ("feature/x = v1.2 (abc1234)").
/// </summary>
public static class VersionLabel
{
    private const int ShortCommit = 7;

    public static string Of(string? abbreviation, string? chosen = null, string? commit = null)
    {
        var label = string.IsNullOrEmpty(abbreviation) ? "unknown" : abbreviation;
        // A commit chosen by its hash is labelled by a shorter form of it: nothing to add then.
        var named = string.IsNullOrEmpty(chosen) || chosen == label || (IsHex(chosen) && SamePrefix(chosen, label))
            ? label
            : $"{chosen} = {label}";
        // A label that is the commit's own short hash says it already.
        return string.IsNullOrEmpty(commit) || SamePrefix(commit, label) ? named : $"{named} ({commit[..Math.Min(ShortCommit, commit.Length)]})";
    }

    private static bool SamePrefix(string a, string b) => a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal);

    private static bool IsHex(string text) => text.All(char.IsAsciiHexDigitLower);
}
