using QiTech.Os.Errors;

namespace QiTech.Os.Services;

/// <summary>A unit could not be started: names it, says why, and carries its last log lines.</summary>
public sealed class ServiceStartException(string unit, string cause, IReadOnlyList<string> lastLogLines)
    : QiTechOsException($"{unit} failed to start: {cause}")
{
    public string Unit { get; } = unit;

    /// <summary>Why, without the unit's name (for reports that name the unit already).</summary>
    public string Cause { get; } = cause;

    public IReadOnlyList<string> LastLogLines { get; } = lastLogLines;
}
