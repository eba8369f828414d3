using System.Globalization;
using System.Net;

namespace QiTech.Os.Config;

/// <summary>
/// A unit's health check: <see cref="Http"/> must answer 2xx, <see cref="Command"/> must exit 0,
/// and the unit must have run for <see cref="Active"/> without a restart, all before
/// <see cref="Deadline"/> after the activation. The configuration writes it into the unit's own
/// file as a <c>[X-QiTech-HealthCheck]</c> section (systemd ignores <c>X-</c> sections), so the
/// closure carries it and a changed check restarts the unit it checks.
/// </summary>
public sealed record HealthCheck(Uri? Http, string? Command, TimeSpan? Active, TimeSpan Deadline)
{
    public const string Section = "X-QiTech-HealthCheck";

    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    /// <summary>"GET http://127.0.0.1:3001/health answers 2xx, up 5 s without a restart, within 60 s".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Http != null)
        {
            parts.Add($"GET {Http} answers 2xx");
        }
        if (Command != null)
        {
            parts.Add($"'{Command}' exits 0");
        }
        if (Active is { } active)
        {
            parts.Add($"up {Seconds(active)} s without a restart");
        }
        return $"{string.Join(", ", parts)}, within {Seconds(Deadline)} s";
    }

    /// <summary>The section's lines as the configuration writes them.</summary>
    public IEnumerable<(string Key, string Value)> Lines()
    {
        if (Http != null)
        {
            yield return ("Http", Http.OriginalString);
        }
        if (Command != null)
        {
            yield return ("Command", Command);
        }
        if (Active is { } active)
        {
            yield return ("ActiveSec", Seconds(active));
        }
        yield return ("DeadlineSec", Seconds(Deadline));
    }

    /// <summary>
    /// The check a unit file declares, or null. A malformed section throws
    /// <see cref="UnitFileException"/> naming <paramref name="where"/> and the line.
    /// </summary>
    public static HealthCheck? Read(string unitText, string where)
    {
        string? section = null;
        var found = false;
        Uri? http = null;
        string? command = null;
        TimeSpan? active = null;
        var deadline = DefaultDeadline;
        var lines = unitText.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }
            if (line[0] == '[' && line.EndsWith(']'))
            {
                section = line[1..^1];
                found |= section == Section;
                continue;
            }
            var eq = line.IndexOf('=');
            if (section != Section || eq <= 0)
            {
                continue;
            }
            var at = $"{where}:{i + 1}";
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            switch (key)
            {
                case "Http":
                    http = UrlProblem(value) is { } urlProblem ? throw new UnitFileException(at, urlProblem) : new Uri(value);
                    break;
                case "Command":
                    command = CommandProblem(value) is { } commandProblem ? throw new UnitFileException(at, commandProblem) : value;
                    break;
                case "ActiveSec":
                    active = TimeSpan.FromSeconds(ParseSeconds(value, key, at));
                    break;
                case "DeadlineSec":
                    deadline = TimeSpan.FromSeconds(ParseSeconds(value, key, at));
                    break;
                default:
                    throw new UnitFileException(at, $"[{Section}] has no key '{key}' (Http, Command, ActiveSec, DeadlineSec)");
            }
        }
        if (!found)
        {
            return null;
        }
        if (http == null && command == null && active == null)
        {
            throw new UnitFileException(where, $"[{Section}] names no check (Http=, Command= or ActiveSec=)");
        }
        return new HealthCheck(http, command, active, deadline);
    }

    /// <summary>
    /// Why <paramref name="text"/> is not a URL a check may probe, or null: http or https to
    /// this machine (localhost, 127.0.0.0/8, ::1), without credentials. A check tests the
    /// machine's own service, never depends on the network, and the daemon (root) never
    /// becomes a client of other hosts.
    /// </summary>
    public static string? UrlProblem(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return $"'{text}' is not an http(s) URL";
        }
        if (uri.UserInfo.Length > 0)
        {
            return $"'{text}': a health check URL carries no credentials";
        }
        var loopback = uri.IsLoopback || IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address);
        return loopback ? null : $"'{text}': a health check probes this machine only (localhost, 127.0.0.1 or [::1])";
    }

    /// <summary>
    /// Why <paramref name="text"/> is not a command a check may run, or null: one line split as
    /// <c>ExecStart=</c> is (quotes and escapes, no shell, no variables), its program an
    /// absolute path or a plain name found on the system's PATH.
    /// </summary>
    public static string? CommandProblem(string text)
    {
        if (text.Contains('\n') || text.Contains('\r'))
        {
            return "a health check command must be one line";
        }
        if (!ExecLineSplitter.TryUnquote(text, out var words, out var error))
        {
            return $"'{text}' cannot be split into words: " + error switch
            {
                ExecLineError.Empty => "it names no program",
                ExecLineError.UnterminatedQuote => "a quote is not closed",
                ExecLineError.TrailingBackslash => "it ends with a backslash",
                _ => "an unknown backslash escape",
            };
        }
        var program = words[0];
        if (!program.StartsWith('/') && program.Contains('/') || program.Split('/').Any(s => s == ".."))
        {
            return $"'{program}' must be an absolute path without '..' or a plain program name";
        }
        return null;
    }

    private static int ParseSeconds(string value, string key, string at) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 3600
            ? seconds
            : throw new UnitFileException(at, $"{key}={value} is not a whole number of seconds between 1 and 3600");

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
