using System.Text;

namespace QiTech.Os.Platform;

/// <summary>How a program ended and what it wrote: stdout as bytes (it may be binary), stderr as text.</summary>
public sealed record ProcessResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    public bool Ok => ExitCode == 0;
}
