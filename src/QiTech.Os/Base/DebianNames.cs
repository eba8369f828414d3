using System.Text.RegularExpressions;

namespace QiTech.Os.Base;

/// <summary>
/// What Debian allows in the names the base lock holds (Debian Policy 5.6.1, 5.6.7, 5.6.12),
/// checked before any of them reaches apt, mmdebstrap or a URL.
/// </summary>
public static partial class DebianNames
{
    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+$")]
    public static partial Regex Package();

    [GeneratedRegex("^([0-9]+:)?[A-Za-z0-9][A-Za-z0-9.+~-]*$")]
    public static partial Regex Version();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    public static partial Regex Architecture();

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*$")]
    public static partial Regex Suite();

    [GeneratedRegex("^[a-z]+$")]
    public static partial Regex Priority();

    /// <summary>A pool path relative to the mirror's root: plain segments, no <c>..</c>, ends in <c>.deb</c>.</summary>
    [GeneratedRegex(@"^(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9._+~%-]+(/[A-Za-z0-9._+~%-]+)*\.deb$")]
    public static partial Regex PoolFile();
}
