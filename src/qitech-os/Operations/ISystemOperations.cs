using QiTech.Os.Activation;
using QiTech.Os.Contract;
using QiTech.Os.Generations;
using QiTech.Os.Nix;
using QiTech.Os.Sources;
using QiTech.Os.Store;

namespace QiTech.Os.Cli.Operations;

/// <summary>
/// What the CLI's system-changing commands do, written once for both ways it is done: through
/// the daemon when one answers on the root (its services follow the change), else here under
/// the system lock (<see cref="SystemOperations.Open"/> picks). Every result is the daemon
/// contract's record, so a command prints one record whichever way it ran. Progress (steps, log
/// lines) goes to stderr; a failure that no record explains is an exception with its exit code.
/// </summary>
public interface ISystemOperations : IDisposable
{
    /// <summary>True when the daemon does the work.</summary>
    bool ThroughDaemon { get; }

    /// <summary>The logical store directory the records' store paths are rendered in.</summary>
    StoreDirectory StoreDir { get; }

    Task<StatusJson> StatusAsync(CancellationToken cancel);

    /// <summary>
    /// Builds a configuration here and keeps its system from collection until the returned root
    /// is disposed: dispose it only once the activation that uses it has ended.
    /// </summary>
    Task<TemporaryRoot> BuildAsync(string configFile, CancellationToken cancel);

    /// <summary>What activating <paramref name="target"/> would do (dry-activate).</summary>
    Task<PlanJson> PlanAsync(ActivationTarget target, CancellationToken cancel);

    /// <summary>
    /// Switch, boot or test. A version that failed its health checks or units that failed come
    /// back in the record (<see cref="ActivationJson.Rollback"/>, <see cref="ActivationJson.Failures"/>).
    /// </summary>
    Task<ActivationJson> ActivateAsync(ActivationMode mode, ActivationTarget target, bool rollBackOnFailure, CancellationToken cancel);

    Task<OneShotBootJson> BootOnceAsync(GenerationNumber generation, CancellationToken cancel);

    /// <summary>Deletes generations; <paramref name="spec"/> is the command's words (<c>3 4</c>, <c>+5</c>, <c>30d</c>).</summary>
    Task<DeletionJson> DeleteGenerationsAsync(IReadOnlyList<string> spec, CancellationToken cancel);

    Task<GcJson> CollectGarbageAsync(bool dryRun, CancellationToken cancel);

    /// <summary>
    /// Fetches, builds and activates <paramref name="reference"/>. A version that did not start
    /// correctly comes back in the record (its activation's <see cref="ActivationJson.Rollback"/>).
    /// </summary>
    Task<UpdateJson> InstallUpdateAsync(GitRefName reference, ActivationMode mode, string? source, string? configFile, bool rollBackOnFailure, CancellationToken cancel);

    /// <summary>Cancels job <paramref name="jobId"/> (default: the running update) and waits until it has ended.</summary>
    Task<JobJson> CancelUpdateAsync(int? jobId, CancellationToken cancel);

    /// <summary>The stored update source (no URL: updates use the configuration's, else the one the system was built from).</summary>
    Task<SourceJson> UpdateSourceAsync(CancellationToken cancel);

    /// <summary>Checks <paramref name="url"/> with git and stores it only when git reaches it (a refusal is an exception, nothing saved).</summary>
    Task<SourceJson> SetUpdateSourceAsync(SourceUrl url, CancellationToken cancel);

    /// <summary>The last <paramref name="lines"/> lines of a service's log.</summary>
    Task<IReadOnlyList<string>> LogAsync(string unit, int lines, CancellationToken cancel);

    /// <summary>The last <paramref name="lines"/> lines of a service's log, then each new one until cancelled.</summary>
    IAsyncEnumerable<string> FollowLogAsync(string unit, int lines, CancellationToken cancel);
}
