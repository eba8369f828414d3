using QiTech.Os.Errors;

namespace QiTech.Os.Base;

/// <summary>
/// What a base is declared as: a Debian suite and architecture, an mmdebstrap variant (which
/// priority-chosen packages come with it) and the packages asked for on top. The lock file
/// records the request it was made for, so a changed declaration is noticed.
/// </summary>
public sealed record BaseRequest
{
    public static readonly IReadOnlyList<string> Variants = ["essential", "apt", "required", "minbase", "important", "standard"];

    public BaseRequest(string suite, string architecture, string variant, IEnumerable<string> packages)
    {
        Suite = Check(suite, DebianNames.Suite(), "suite");
        Architecture = Check(architecture, DebianNames.Architecture(), "architecture");
        Variant = Variants.Contains(variant) ? variant : throw new BadInputException($"unknown mmdebstrap variant '{variant}' (one of {string.Join(", ", Variants)})");
        Packages = [.. packages.Select(p => Check(p, DebianNames.Package(), "package name")).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public string Suite { get; }

    public string Architecture { get; }

    public string Variant { get; }

    /// <summary>Sorted, each once.</summary>
    public IReadOnlyList<string> Packages { get; }

    public bool Matches(BaseRequest other) =>
        Suite == other.Suite && Architecture == other.Architecture && Variant == other.Variant && Packages.SequenceEqual(other.Packages);

    /// <summary>"bookworm amd64 minbase + cage chromium", for messages.</summary>
    public string Describe() => $"{Suite} {Architecture} {Variant}" + (Packages.Count == 0 ? "" : " + " + string.Join(' ', Packages));

    private static string Check(string value, System.Text.RegularExpressions.Regex pattern, string what) =>
        pattern.IsMatch(value) ? value : throw new BadInputException($"'{value}' is not a valid Debian {what}");
}
