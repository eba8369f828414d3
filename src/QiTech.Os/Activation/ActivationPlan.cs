using QiTech.Os.Generations;
using QiTech.Os.Nix;

namespace QiTech.Os.Activation;

/// <summary>
/// What switching from one system to another does to services and /etc: units whose file
/// (with drop-ins) vanished are stopped, new ones started, changed ones restarted, the rest
/// left running. /etc entries are links into <c>/etc/static</c>, so only added and removed
/// names need link changes; changed contents follow the static flip.
/// </summary>
public sealed record ActivationPlan(
    StorePath? From,
    StorePath To,
    IReadOnlyList<string> Stop,
    IReadOnlyList<string> Start,
    IReadOnlyList<string> Restart,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> EtcAdded,
    IReadOnlyList<string> EtcRemoved)
{
    public static ActivationPlan Compute(SystemClosure? from, SystemClosure to)
    {
        var oldUnits = from?.Units() ?? new Dictionary<string, Sha256Digest>();
        var newUnits = to.Units();
        var oldEtc = from?.EtcEntries() ?? [];
        var newEtc = to.EtcEntries();
        return new ActivationPlan(
            from?.Path,
            to.Path,
            Stop: oldUnits.Keys.Where(u => !newUnits.ContainsKey(u)).ToList(),
            Start: newUnits.Keys.Where(u => !oldUnits.ContainsKey(u)).ToList(),
            Restart: newUnits.Where(u => oldUnits.TryGetValue(u.Key, out var d) && d != u.Value).Select(u => u.Key).ToList(),
            Unchanged: newUnits.Where(u => oldUnits.TryGetValue(u.Key, out var d) && d == u.Value).Select(u => u.Key).ToList(),
            EtcAdded: newEtc.Except(oldEtc, StringComparer.Ordinal).ToList(),
            EtcRemoved: oldEtc.Except(newEtc, StringComparer.Ordinal).ToList());
    }

    /// <summary>The plan as lines for people (dry-activate, switch output).</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var (label, units) in new[] { ("stop", Stop), ("start", Start), ("restart", Restart), ("leave running", Unchanged) })
        {
            yield return units.Count == 0 ? $"would {label}: (none)" : $"would {label}: {string.Join(' ', units)}";
        }
        foreach (var file in EtcAdded)
        {
            yield return $"would link /etc/{file}";
        }
        foreach (var file in EtcRemoved)
        {
            yield return $"would remove /etc/{file}";
        }
    }
}
