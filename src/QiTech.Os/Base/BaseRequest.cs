using QiTech.Os.Errors;

namespace QiTech.Os.Base;

/// <summary>
/// What a base is declared as: a Debian suite and architecture, an mmdebstrap variant (which
/// priority-chosen packages come with it), the packages asked for on top, and the units those
/// packages enable that the machine does not start at boot (Debian enables a package's units
/// when it installs it: dnsmasq would serve DHCP on every port before the machine asks it to).
/// The lock file records the request it was made for, so a changed declaration is noticed.
/// </summary>
public sealed record BaseRequest
{
    public static readonly IReadOnlyList<string> Variants = ["essential", "apt", "required", "minbase", "important", "standard"];

    public BaseRequest(string suite, string architecture, string variant, IEnumerable<string> packages, IEnumerable<string>? disabledUnits = null)
    {
        Suite = Check(suite, DebianNames.Suite(), "suite");
        Architecture = Check(architecture, DebianNames.Architecture(), "architecture");
        Variant = Variants.Contains(variant) ? variant : throw new BadInputException($"unknown mmdebstrap variant '{variant}' (one of {string.Join(", ", Variants)})");
        Packages = [.. packages.Select(p => Check(p, DebianNames.Package(), "package name")).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        DisabledUnits = [.. (disabledUnits ?? []).Select(u => Check(u, UnitName, "unit name")).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>A unit a package can enable: a name systemctl takes as one argument, never an option.</summary>
    private static readonly System.Text.RegularExpressions.Regex UnitName = new(@"^[A-Za-z0-9][A-Za-z0-9:_.@-]*\.(service|socket|timer|path)$");

    public string Suite { get; }

    public string Architecture { get; }

    public string Variant { get; }

    /// <summary>Sorted, each once.</summary>
    public IReadOnlyList<string> Packages { get; }

    /// <summary>Sorted, each once: units left disabled in the built tree (they can still be started).</summary>
    public IReadOnlyList<string> DisabledUnits { get; }

    public bool Matches(BaseRequest other) =>
        Suite == other.Suite && Architecture == other.Architecture && Variant == other.Variant && Packages.SequenceEqual(other.Packages)
        && DisabledUnits.SequenceEqual(other.DisabledUnits);

    /// <summary>"bookworm amd64 minbase + cage chromium, not at boot: dnsmasq.service", for messages.</summary>
    public string Describe() => $"{Suite} {Architecture} {Variant}" + (Packages.Count == 0 ? "" : " + " + string.Join(' ', Packages))
        + (DisabledUnits.Count == 0 ? "" : ", not at boot: " + string.Join(' ', DisabledUnits));

    private static string Check(string value, System.Text.RegularExpressions.Regex pattern, string what) =>
        pattern.IsMatch(value) ? value : throw new BadInputException($"'{value}' is not a valid Debian {what}");
}
