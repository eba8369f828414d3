using QiTech.Os.Generations;
using QiTech.Os.Nix;

namespace QiTech.Os.Activation;

/// <summary>
/// What switching from one system to another does to services and /etc. Only enabled units
/// run (<see cref="SystemClosure.EnabledUnits"/>), as a boot starts them: a unit that vanished
/// or stopped being enabled is stopped, one newly enabled is started, an enabled one whose
/// file (with drop-ins) changed is restarted, the rest left running. Units present but not
/// enabled are <see cref="NotEnabled"/>: left alone. /etc entries are links into
/// <c>/etc/static</c>, so only added and removed names need link changes; changed contents
/// follow the static flip.
/// </summary>
public sealed record ActivationPlan(
    StorePath? From,
    StorePath To,
    IReadOnlyList<string> Stop,
    IReadOnlyList<string> Start,
    IReadOnlyList<string> Restart,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> EtcAdded,
    IReadOnlyList<string> EtcRemoved,
    IReadOnlyList<string> NotEnabled)
{
    public static ActivationPlan Compute(SystemClosure? from, SystemClosure to)
    {
        var oldUnits = from?.Units() ?? new Dictionary<string, Sha256Digest>();
        var newUnits = to.Units();
        var oldEnabled = from?.EnabledUnits() ?? new HashSet<string>();
        var newEnabled = to.EnabledUnits();
        var oldEtc = from?.EtcEntries() ?? [];
        var newEtc = to.EtcEntries();
        var kept = newEnabled.Where(oldEnabled.Contains).ToList();
        return new ActivationPlan(
            from?.Path,
            to.Path,
            Stop: oldUnits.Keys.Where(u => !newUnits.ContainsKey(u) || (oldEnabled.Contains(u) && !newEnabled.Contains(u))).ToList(),
            Start: newEnabled.Where(u => !oldEnabled.Contains(u)).ToList(),
            Restart: kept.Where(u => oldUnits[u] != newUnits[u]).ToList(),
            Unchanged: kept.Where(u => oldUnits[u] == newUnits[u]).ToList(),
            EtcAdded: newEtc.Except(oldEtc, StringComparer.Ordinal).ToList(),
            EtcRemoved: oldEtc.Except(newEtc, StringComparer.Ordinal).ToList(),
            NotEnabled: newUnits.Keys.Where(u => !newEnabled.Contains(u)).ToList());
    }

    /// <summary>The plan as lines for people (dry-activate, switch output).</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var (label, units) in new[] { ("stop", Stop), ("start", Start), ("restart", Restart), ("leave running", Unchanged) })
        {
            yield return units.Count == 0 ? $"would {label}: (none)" : $"would {label}: {string.Join(' ', units)}";
        }
        if (NotEnabled.Count > 0)
        {
            yield return $"would leave stopped (not enabled): {string.Join(' ', NotEnabled)}";
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
