using QiTech.Os.Errors;

namespace QiTech.Os.Platform;

/// <summary>A program to run is not on this machine (not on PATH, or no such file).</summary>
public sealed class ProgramNotFoundException(string program)
    : QiTechOsException($"cannot run '{program}': it is not installed on this machine")
{
    public string Program { get; } = program;
}
