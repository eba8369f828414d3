namespace QiTech.Os.Health;

/// <summary>
/// How one unit's check ended: passed, or not with the check's last output and the unit's
/// last log lines. <see cref="Check"/> is the check as the operator reads it.
/// </summary>
public sealed record UnitHealth(string Unit, string Check, bool Passed, string Detail, IReadOnlyList<string> LastLogLines)
{
    /// <summary>"app.service: GET http://127.0.0.1:8080/health answered 500 Internal Server Error".</summary>
    public string Reason => $"{Unit}: {Detail}";
}
