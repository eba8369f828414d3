using System.Globalization;
using System.Text.RegularExpressions;

namespace QiTech.Os.Contract;

/// <summary>
/// One endpoint of the daemon API: its method and route (<c>/v1/jobs/{id:int}</c>, with the
/// route's constraints). <see cref="Path"/> is the route as docs/daemon-api.md writes it.
/// </summary>
public sealed partial record DaemonEndpoint(string Method, string Route)
{
    /// <summary>The route without constraints: <c>/v1/jobs/{id}</c>.</summary>
    public string Path => Constraint().Replace(Route, "{$1}");

    /// <summary>The URL with the route's parameters filled in order (escaped), relative to the daemon's base.</summary>
    public string Url(params object[] values)
    {
        var next = 0;
        return Parameter().Replace(Path, _ => Uri.EscapeDataString(Convert.ToString(values[next++], CultureInfo.InvariantCulture)!))[1..];
    }

    public override string ToString() => $"{Method} {Path}";

    [GeneratedRegex(@"\{(\w+):[^}]*\}")]
    private static partial Regex Constraint();

    [GeneratedRegex(@"\{\w+\}")]
    private static partial Regex Parameter();
}
