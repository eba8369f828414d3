namespace QiTech.Control.Server.Components.Progress;

/// <summary>
/// Sentences for the operator about lines of a job's log that look alarming but are not: the
/// log keeps the precise text, the page says what it means above it.
/// </summary>
public static class LogNotes
{
    private static readonly (string Needle, string Note)[] Known =
    [
        ("dotnet workload update",
            "The .NET build tool mentions available workload updates in the log. That is a notice for developers; it does not affect this update and needs nothing from you."),
        ("Workload updates are available",
            "The .NET build tool mentions available workload updates in the log. That is a notice for developers; it does not affect this update and needs nothing from you."),
    ];

    public static IEnumerable<string> For(IEnumerable<string> lines)
    {
        var all = lines as IReadOnlyCollection<string> ?? [.. lines];
        return Known.Where(k => all.Any(line => line.Contains(k.Needle, StringComparison.Ordinal))).Select(k => k.Note).Distinct();
    }
}
