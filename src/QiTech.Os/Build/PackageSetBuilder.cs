using System.Diagnostics;
using QiTech.Os.Platform;
using QiTech.Os.Store;

namespace QiTech.Os.Build;

/// <summary>
/// Builds a configuration's packages one after the other in the sandbox, reporting each
/// (starting, log lines, finished or already built), the share done and, from earlier
/// builds of the same packages, the time left. Each successful build's duration is recorded.
/// </summary>
public sealed class PackageSetBuilder(LocalStore store)
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private readonly DerivationBuilder _builder = new(store);
    private readonly BuildTimes _times = new(store.Layout);

    /// <summary>The store paths building <paramref name="derivation"/> would produce.</summary>
    public IEnumerable<Nix.StorePath> OutputsOf(Derivation derivation) => _builder.Resolve(derivation).Outputs.Values;

    /// <summary>
    /// Builds every derivation whose output is in <paramref name="wanted"/> (all of them when
    /// null) and not valid yet, with what those take as input (with <paramref name="check"/>:
    /// rebuilds every one and fails when the bits differ). Cancelling kills the running
    /// sandbox; what finished before stays registered, nothing partial does.
    /// </summary>
    public async Task<IReadOnlyList<BuildResult>> BuildAsync(IReadOnlyList<Derivation> derivations, IPackageBuildProgress? progress = null,
        bool check = false, IReadOnlySet<Nix.StorePath>? wanted = null, CancellationToken cancel = default)
    {
        progress ??= new NoProgress();
        derivations = Needed(derivations, wanted, check);
        var resolved = derivations.Select(_builder.Resolve).ToList();
        // Estimates for what will really run: a valid output costs nothing.
        var estimate = new BuildEstimate(resolved.Select(r => check || !r.Outputs.Values.All(store.IsValid) ? _times.Last(r.Derivation.Name) : TimeSpan.Zero).ToList());
        var results = new List<BuildResult>();
        progress.Percent(0);
        for (var i = 0; i < derivations.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var name = derivations[i].Name;
            progress.Starting(name, i, derivations.Count);
            var clock = Stopwatch.StartNew();
            var index = i;
            void Tick()
            {
                var elapsed = clock.Elapsed;
                progress.Package(index + 1, derivations.Count, name, estimate.PackageLeft(index, elapsed));
                progress.TimeLeft(estimate.TotalLeft(index, elapsed));
                progress.Percent(estimate.Percent(index, elapsed));
            }
            using var ticker = new Timer(_ => Tick(), null, TimeSpan.Zero, TickInterval);
            // A build input a cached package was fetched without is fetched now, not checked.
            var missingInput = !resolved[i].Outputs.Values.All(store.IsValid) && derivations.Skip(i + 1).Any(d => d.InputPaths.Contains(resolved[i].Out));
            var options = new BuildOptions { Check = check && !missingInput, Log = new LineProgress(line => progress.Log(name, line)) };
            var result = await _builder.BuildAsync(derivations[i], options, cancel);
            await ticker.DisposeAsync();
            if (result.Built && !check)
            {
                _times.Record(name, clock.Elapsed);
            }
            results.Add(result);
            progress.Finished(name, result.Out, result.Built, clock.Elapsed);
            progress.Percent((i + 1) * 100 / derivations.Count);
        }
        return results;
    }

    /// <summary>
    /// The derivations to go through: the wanted ones, and each one a derivation that is built
    /// takes as input (a NuGet feed, a package another builds with). So a package the system does
    /// not hold is left alone, and a machine that fetched a package from a cache never downloads
    /// what building it would have needed.
    /// </summary>
    private List<Derivation> Needed(IReadOnlyList<Derivation> derivations, IReadOnlySet<Nix.StorePath>? wanted, bool check)
    {
        var resolved = derivations.Select(_builder.Resolve).ToList();
        var builds = resolved.Select(r => check || !r.Outputs.Values.All(store.IsValid)).ToList();
        var go = resolved.Select(r => wanted == null || wanted.Contains(r.Out)).ToArray();
        for (var changed = true; changed;)
        {
            changed = false;
            for (var i = 0; i < derivations.Count; i++)
            {
                if (!go[i] && Enumerable.Range(0, derivations.Count).Any(j => go[j] && builds[j] && derivations[j].InputPaths.Contains(resolved[i].Out)))
                {
                    go[i] = changed = true;
                }
            }
        }
        return [.. derivations.Where((_, i) => go[i])];
    }

    private sealed class NoProgress : IPackageBuildProgress;
}
