using System.Text;

namespace QiTech.Os.Sources;

/// <summary>What one git run gave back; stderr is already scrubbed of the token.</summary>
internal sealed record GitResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    public bool Ok => ExitCode == 0;

    /// <summary>The last non-empty stderr line, for a one-line error message.</summary>
    public string LastError =>
        Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"git exited with {ExitCode}";
}
