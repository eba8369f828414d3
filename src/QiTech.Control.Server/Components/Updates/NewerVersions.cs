using QiTech.Os.Contract;
using QiTech.Os.Sources;

namespace QiTech.Control.Server.Components.Updates;

/// <summary>
/// Which tag of the update source is newer than the running version: not running, not one of
/// its ancestors, committed after it, and installable; the newest of them.
/// </summary>
public static class NewerVersions
{
    public static TargetJson? Newest(IEnumerable<TargetJson> targets, VersionInfo? running)
    {
        var since = DateTimeOffset.TryParse(running?.Timestamp, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;
        return targets
            .Where(t => t.Kind == UpdateTargetKind.Tag && t.Refusal is null && !t.Running && !t.OlderThanRunning && t.Commit != running?.Commit)
            .Where(t => since is null || t.Date > since)
            .MaxBy(t => t.Date);
    }
}
