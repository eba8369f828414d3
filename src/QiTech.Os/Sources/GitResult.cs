using System.Text;

namespace QiTech.Os.Sources;

/// <summary>What one git run gave back; stderr is already scrubbed of the token.</summary>
internal sealed record GitResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    public bool Ok => ExitCode == 0;

    // git's closing advice after a failed contact, which says nothing about this case.
    private static readonly string[] Boilerplate =
    [
        "Could not read from remote repository.",
        "Please make sure you have the correct access rights",
        "and the repository exists.",
    ];

    /// <summary>
    /// Everything git said went wrong, on one line: its error lines without the "fatal:" prefix
    /// and without its generic advice (which, cut to its last line, read "and the repository exists.").
    /// </summary>
    public string Reason
    {
        get
        {
            var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(line => line.StartsWith("fatal: ", StringComparison.Ordinal) ? line[7..] : line.StartsWith("error: ", StringComparison.Ordinal) ? line[7..] : line)
                .Where(line => !Boilerplate.Contains(line, StringComparer.Ordinal))
                .Distinct(StringComparer.Ordinal)
                .ToList();
            return lines.Count > 0 ? string.Join("; ", lines) : $"git exited with {ExitCode}";
        }
    }

    /// <summary>The last non-empty stderr line, for a one-line error message.</summary>
    public string LastError =>
        Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"git exited with {ExitCode}";
}
