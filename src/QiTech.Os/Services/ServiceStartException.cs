using QiTech.Os.Errors;

namespace QiTech.Os.Services;

/// <summary>A unit could not be started: names it, says why, and carries its last log lines.</summary>
public sealed class ServiceStartException(string unit, string cause, IReadOnlyList<string> lastLogLines)
    : QiTechOsException($"{unit} failed to start: {cause}")
{
    public string Unit { get; } = unit;

    public IReadOnlyList<string> LastLogLines { get; } = lastLogLines;
}
