using QiTech.Os.Activation;
using QiTech.Os.Contract;

namespace QiTech.Control.Server.Daemon;

/// <summary>What the update source offers (tags, branches, recent commits) and installing one.</summary>
public interface IUpdateTargets
{
    /// <summary>Tags, branches and the default branch's <paramref name="recentCommits"/> newest commits.</summary>
    Task<IReadOnlyList<TargetJson>> GetTargetsAsync(int recentCommits, CancellationToken cancel);

    /// <summary>The changelog at any tag, branch or commit (which also proves the ref exists: unknown ones are refused).</summary>
    Task<ChangelogJson> GetChangelogAsync(string gitRef, CancellationToken cancel);

    /// <summary>Starts the update job (fetch, build, activate as <paramref name="mode"/>) and returns its id.</summary>
    Task<int> InstallAsync(string gitRef, ActivationMode mode, CancellationToken cancel);
}
