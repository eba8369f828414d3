using QiTech.Os.Activation;
using QiTech.Os.Contract;

namespace QiTech.Control.Server.Daemon;

/// <summary>What the update source offers (tags, branches, recent commits) and installing one.</summary>
public interface IUpdateTargets
{
    Task<IReadOnlyList<TargetJson>> GetTargetsAsync(CancellationToken cancel);

    Task<ChangelogJson> GetChangelogAsync(string gitRef, CancellationToken cancel);

    /// <summary>Starts the update job (fetch, build, activate as <paramref name="mode"/>) and returns its id.</summary>
    Task<int> InstallAsync(string gitRef, ActivationMode mode, CancellationToken cancel);
}
